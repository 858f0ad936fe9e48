using MassTransit;

namespace Pixelated.MigrationPipeline.Components.Consumers;

internal static class EndpointConfiguratorExtensions
{
    /// <summary>Redeliveries a quorum queue allows before it dead-letters a message (a poison message never loops forever).</summary>
    public const int DeliveryLimit = 50;

    /// <summary>
    /// On RabbitMQ: a quorum queue with an explicit delivery limit, dead-lettering into <c>&lt;queue&gt;_dlq</c>.
    /// Elsewhere (in-memory transport) nothing to configure.
    /// </summary>
    public static void ConfigureQuorumQueue(this IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit) return;
        rabbit.SetQuorumQueue();
        rabbit.SetQueueArgument("x-delivery-limit", DeliveryLimit);
        rabbit.BindDeadLetterQueue($"{rabbit.InputAddress.AbsolutePath.Trim('/').Split('/')[^1]}_dlq");
    }

    /// <summary>
    /// Retry for a consumer that talks to Zep and the ledger. Outages (Zep 5xx/429/timeouts/open circuit, a busy user,
    /// the ledger or broker away) are retried with back-off for as long as an outage plausibly lasts, so nothing drains into
    /// <c>_error</c> while Zep or PostgreSQL is down; anything else is a bug or bad data and gets a few quick retries.
    /// </summary>
    public static void UseOutageTolerantRetry(this IReceiveEndpointConfigurator endpoint)
    {
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(TransientFailure.Is);
            r.Exponential(60, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        });
        endpoint.UseMessageRetry(r =>
        {
            r.Ignore<Exception>(TransientFailure.Is);
            r.Intervals(100, 500, 2000);
        });
    }
}
