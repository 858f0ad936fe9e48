using MassTransit;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// The pieces of policy the three consumer definitions share: how they retry and, on RabbitMQ, their queue. Each
/// definition applies them in its <c>ConfigureConsumer</c>, so the whole policy of an endpoint reads in one place.
/// </summary>
public static class ConsumerPolicy
{
    /// <summary>Redeliveries a quorum queue allows before it dead-letters a message (a poison message never loops forever).</summary>
    public const int DeliveryLimit = 50;

    /// <summary>
    /// Outages (Zep 5xx/429/timeouts/open circuit, a busy user, the ledger or broker away) are retried with back-off for as
    /// long as an outage plausibly lasts, so nothing drains into <c>_error</c> while Zep or PostgreSQL is down.
    /// </summary>
    public static void RetryOutages(IRetryConfigurator retry)
    {
        retry.Handle<Exception>(TransientFailure.Is);
        retry.Exponential(60, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
    }

    /// <summary>Anything else is a bug or bad data: a few quick retries, then <c>_error</c>.</summary>
    public static void RetryOtherFailuresBriefly(IRetryConfigurator retry)
    {
        retry.Ignore<Exception>(TransientFailure.Is);
        retry.Intervals(100, 500, 2000);
    }

    /// <summary>A quorum queue with an explicit delivery limit, dead-lettering into <c>&lt;queue&gt;_dlq</c>.</summary>
    public static void UseQuorumQueue(IRabbitMqReceiveEndpointConfigurator rabbit)
    {
        rabbit.SetQuorumQueue();
        rabbit.SetQueueArgument("x-delivery-limit", DeliveryLimit);
        rabbit.BindDeadLetterQueue($"{rabbit.InputAddress.AbsolutePath.Trim('/').Split('/')[^1]}_dlq");
    }
}
