using System.Text;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.InfrastructureTests;

[Collection(InfrastructureCollection.Name)]
public sealed class RabbitMqInfrastructureTests(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Publishes_and_consumes_on_a_quorum_queue()
    {
        output.WriteLine($"RabbitMQ ({infrastructure.RabbitMqMode}): {infrastructure.RabbitMqUri}; fixture start-up took {infrastructure.StartupDuration.TotalMilliseconds:F0} ms");
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(ConfirmingChannel());
        var queue = await DeclareQuorumQueueAsync(channel, "it-quorum");

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            received.TrySetResult(Encoding.UTF8.GetString(delivery.Body.Span));
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, Encoding.UTF8.GetBytes("hello quorum"));

        Assert.Equal("hello quorum", await received.Task.WaitAsync(Timeout));
        await channel.QueueDeleteAsync(queue);
    }

    [Fact]
    public async Task Publishing_works_after_RabbitMQ_is_stopped_and_started_again()
    {
        if (!infrastructure.CanStopStartRabbitMq)
        {
            output.WriteLine($"Skipped: RabbitMQ is provided in mode {infrastructure.RabbitMqMode}; stop/start needs local processes.");
            await Assert.ThrowsAsync<NotSupportedException>(infrastructure.StopRabbitMqAsync);
            return;
        }

        string queue;
        await using (var connection = await ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(ConfirmingChannel()))
        {
            queue = await DeclareQuorumQueueAsync(channel, "it-restart");
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, Encoding.UTF8.GetBytes("before"), default);
        }

        await infrastructure.StopRabbitMqAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync());
        await infrastructure.StartRabbitMqAsync();

        await using (var connection = await ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(ConfirmingChannel()))
        {
            // The durable quorum queue and its message survived the restart; the URI is unchanged.
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, Encoding.UTF8.GetBytes("after"));

            var first = await GetAsync(channel, queue);
            var second = await GetAsync(channel, queue);
            Assert.Equal(["before", "after"], new[] { first, second });
            await channel.QueueDeleteAsync(queue);
        }
    }

    private async Task<IConnection> ConnectAsync()
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(infrastructure.RabbitMqUri),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            AutomaticRecoveryEnabled = false,
        };
        return await factory.CreateConnectionAsync();
    }

    private static CreateChannelOptions ConfirmingChannel() =>
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private static async Task<string> DeclareQuorumQueueAsync(IChannel channel, string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        var ok = await channel.QueueDeclareAsync(
            name,
            durable: true,
            exclusive: false,
            autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        Assert.Equal(name, ok.QueueName);
        return name;
    }

    private static async Task<string> GetAsync(IChannel channel, string queue)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = await channel.BasicGetAsync(queue, autoAck: true);
            if (result is not null)
            {
                return Encoding.UTF8.GetString(result.Body.Span);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No message on {queue} within {Timeout}.");
    }
}
