using MassTransit;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>Writes one user's items to Zep, then asks for validation (or, when there was nothing to write, lets the next user in).</summary>
public sealed class MigrateUserConsumer(UserMigrationService migration, RunZepRequests zepRequests, RunProgress progress, RunLeaseKeeper leases) : IConsumer<MigrateUser>
{
    public async Task Consume(ConsumeContext<MigrateUser> context)
    {
        var (runId, userKey) = (context.Message.RunId, context.Message.UserKey);
        leases.Hold(runId);
        if (await zepRequests.MeasureAsync(runId, userKey, () => migration.MigrateAsync(runId, userKey, context.CancellationToken)))
            await context.Publish(new ValidateUser(runId, userKey));
        else
            await progress.AdvanceAsync(runId, m => context.Publish(m), context.CancellationToken); // e.g. cancelled before it started
    }
}

public sealed class MigrateUserConsumerDefinition : ConsumerDefinition<MigrateUserConsumer>
{
    // Concurrency: the endpoint's limit, Pipeline:MigrateConcurrency (set where the consumer is added), and no lower
    // consumer-level limit here: one silently capped MigrateConcurrency at 8 (and validation at 4).

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MigrateUserConsumer> consumer,
        IRegistrationContext context)
    {
        // Unknown outcomes propagate from the writer; a retry reads Zep back before sending again.
        endpoint.UseOutageTolerantRetry();
        endpoint.ConfigureQuorumQueue();
    }
}
