using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>
/// Counts the messages waiting in the consumer queues' <c>_error</c> (MassTransit's faults) and <c>_dlq</c> (the quorum
/// queues' delivery limit) queues over AMQP itself: a passive declare answers a queue's message count, so no management
/// plugin or its credentials are needed. A queue that does not exist yet counts 0. One connection, kept between reads.
/// </summary>
public sealed class DeadLetterQueues(Uri broker) : IAsyncDisposable
{
    /// <summary>The consumer endpoints (kebab-case names of the three consumers).</summary>
    public static readonly string[] Endpoints = ["ingest-export", "migrate-user", "validate-user"];

    public static IEnumerable<string> QueueNames => Endpoints.SelectMany(e => new[] { $"{e}_error", $"{e}_dlq" });

    private IConnection? _connection;

    public async Task<IReadOnlyDictionary<string, long>> ReadAsync(CancellationToken ct)
    {
        try
        {
            _connection ??= await new ConnectionFactory { Uri = broker, ClientProvidedName = "pixelated-telemetry" }.CreateConnectionAsync(ct);
            var counts = new Dictionary<string, long>();
            var channel = await _connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                foreach (var queue in QueueNames)
                {
                    try
                    {
                        counts[queue] = (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
                    }
                    catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
                    {
                        counts[queue] = 0; // not declared yet: nothing has failed there; the broker closed the channel
                        await channel.DisposeAsync();
                        channel = await _connection.CreateChannelAsync(cancellationToken: ct);
                    }
                }
            }
            finally
            {
                await channel.DisposeAsync();
            }
            return counts;
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException)
        {
            await DisposeAsync(); // reconnect on the next read
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try { await connection.DisposeAsync(); } catch (Exception) { /* a connection already gone */ }
        }
    }
}
