using MassTransit;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>Reads one user back from Zep, records the outcome, lets the next waiting users in and rolls the run's status up.</summary>
public sealed class ValidateUserConsumer(UserValidationService validation, RunProgress progress, RunZepRequests zepRequests, RunLeaseKeeper leases) : IConsumer<ValidateUser>
{
    public async Task Consume(ConsumeContext<ValidateUser> context)
    {
        var (runId, userKey) = (context.Message.RunId, context.Message.UserKey);
        leases.Hold(runId);
        var status = await zepRequests.MeasureAsync(runId, userKey, () => validation.ValidateAsync(runId, userKey, context.CancellationToken));
        if (status is null) return;
        await context.Publish(new UserValidated(runId, userKey, status.Value.ToString()));
        await progress.AdvanceAsync(runId, m => context.Publish(m), context.CancellationToken);
    }
}

public sealed class ValidateUserConsumerDefinition : ConsumerDefinition<ValidateUserConsumer>
{
    // Concurrency: the endpoint's limit, Pipeline:MigrateConcurrency (set where the consumer is added), and no lower
    // consumer-level limit here: one silently capped MigrateConcurrency at 8 (and validation at 4).

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<ValidateUserConsumer> consumer,
        IRegistrationContext context)
    {
        endpoint.UseOutageTolerantRetry();
        endpoint.ConfigureQuorumQueue();
    }
}
