using System.ComponentModel.DataAnnotations;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary><c>RabbitMq:ClusterNodes</c> takes <c>host</c> or <c>host:port</c> per node; anything else stops the host at start, naming the setting.</summary>
public sealed class RabbitMqOptionsTests
{
    [Theory]
    [InlineData("rabbit-1")]
    [InlineData("rabbit-1:5672")]
    [InlineData("127.0.0.1:35767")]
    public void A_host_or_a_host_and_port_is_a_node(string node) => Assert.Empty(Errors(node));

    [Theory]
    [InlineData("")]
    [InlineData(":5672")]
    [InlineData("rabbit:0")]
    [InlineData("rabbit:65536")]
    [InlineData("rabbit:amqp")]
    [InlineData("amqp://rabbit:5672")]
    [InlineData("rabbit 1")]
    public void Anything_else_is_refused_naming_the_setting(string node) =>
        Assert.Contains("RabbitMq:ClusterNodes", Assert.Single(Errors(node)).ErrorMessage);

    [Fact]
    public void No_nodes_is_the_default_and_valid() => Assert.Empty(Errors());

    private static List<ValidationResult> Errors(params string[] nodes)
    {
        var options = new RabbitMqOptions { ClusterNodes = nodes };
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
