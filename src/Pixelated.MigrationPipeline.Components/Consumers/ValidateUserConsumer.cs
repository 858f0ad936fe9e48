using MassTransit;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// Reads one user back from Zep, records the outcome, lets the next waiting users in and rolls the run's status up.
/// Policy (concurrency, retry, queue, Zep request counting): <see cref="ValidateUserConsumerDefinition"/>.
/// </summary>
public sealed class ValidateUserConsumer(UserValidationService validation, RunProgress progress, RunLeaseKeeper leases) : IConsumer<ValidateUser>
{
    public async Task Consume(ConsumeContext<ValidateUser> context)
    {
        var (runId, userKey) = (context.Message.RunId, context.Message.UserKey);
        leases.Hold(runId);
        var status = await validation.ValidateAsync(runId, userKey, context.CancellationToken);
        if (status is null) return;
        await context.Publish(new UserValidated(runId, userKey, status.Value.ToString()));
        await progress.AdvanceAsync(runId, m => context.Publish(m), context.CancellationToken);
    }
}
