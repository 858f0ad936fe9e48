namespace Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// All integration tests that need RabbitMQ/PostgreSQL go in this collection so that ONE RabbitMQ and ONE
/// PostgreSQL are shared by the whole test run: put <c>[Collection(InfrastructureCollection.Name)]</c> on the test
/// class and take an <see cref="InfrastructureFixture"/> constructor parameter.
/// Note: tests in one xunit collection run one after another (not in parallel).
/// </summary>
[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}
