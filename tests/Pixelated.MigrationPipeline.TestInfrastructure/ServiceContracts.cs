namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>How a service used by the integration tests was provided.</summary>
public enum InfrastructureMode
{
    /// <summary>Given by environment variables (PIXELATED_TEST_RABBITMQ_URI / PIXELATED_TEST_POSTGRES); not started or stopped by the tests.</summary>
    External,

    /// <summary>Started with Testcontainers on a Docker engine.</summary>
    Containers,

    /// <summary>Throwaway server processes started from locally installed binaries (rabbitmq-server, PostgreSQL).</summary>
    LocalProcesses,
}

public interface IManagedService : IAsyncDisposable
{
    InfrastructureMode Mode { get; }

    /// <summary>Human readable description for the logs.</summary>
    string Description { get; }

    Task StopAsync();

    Task StartAsync();
}

public interface IRabbitMqService : IManagedService
{
    string Uri { get; }
}

public interface IPostgresService : IManagedService
{
    string ConnectionString { get; }
}

/// <summary>A service provided from outside via an environment variable.</summary>
public sealed class ExternalService(string endpoint, string variable, string what) : IRabbitMqService, IPostgresService
{
    public InfrastructureMode Mode => InfrastructureMode.External;

    public string Description => $"external {what} from ${variable}";

    public string Uri => endpoint;

    public string ConnectionString => endpoint;

    public Task StopAsync() => throw NotSupported();

    public Task StartAsync() => throw NotSupported();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private NotSupportedException NotSupported() => new(
        $"Stopping/starting {what} is only supported when the tests start it themselves from local binaries " +
        $"(InfrastructureMode.LocalProcesses); it is currently provided externally via ${variable}. " +
        "Check InfrastructureFixture.SupportsStopStart and skip fault tests otherwise.");
}
