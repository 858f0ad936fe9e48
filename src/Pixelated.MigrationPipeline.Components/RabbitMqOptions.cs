using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Pixelated.MigrationPipeline.Components;

/// <summary>
/// Bound from <c>RabbitMq:</c>; read only with <c>Pipeline:Bus=rabbitmq</c>. The credentials and virtual host stay in
/// <c>ConnectionStrings:RabbitMq</c>; these settings only say which nodes to connect to.
/// </summary>
public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "RabbitMq";

    /// <summary>
    /// The nodes of a RabbitMQ cluster (<c>host</c> or <c>host:port</c>, e.g. <c>rabbit-1:5672</c>); empty (the default):
    /// the one host of <c>ConnectionStrings:RabbitMq</c>. Given: MassTransit connects to the first node that answers, in
    /// this order, and to the next one when its node goes away (the URI's host is then not used). In the environment:
    /// <c>RabbitMq__ClusterNodes__0</c>, <c>RabbitMq__ClusterNodes__1</c>, ...
    /// </summary>
    public string[] ClusterNodes { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var node in ClusterNodes)
        {
            if (!IsNode(node))
            {
                yield return new ValidationResult(
                    $"RabbitMq:ClusterNodes: '{node}' is not a node: give host or host:port (port 1-65535).", [nameof(ClusterNodes)]);
            }
        }
    }

    /// <summary><c>host</c> or <c>host:port</c>, as MassTransit's cluster configuration parses it (no IPv6 literal: it splits on ':').</summary>
    private static bool IsNode(string? node)
    {
        if (string.IsNullOrWhiteSpace(node) || node.Any(char.IsWhiteSpace)) return false;
        var parts = node.Split(':');
        return parts.Length switch
        {
            1 => true,
            2 => parts[0].Length > 0 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535,
            _ => false,
        };
    }
}
