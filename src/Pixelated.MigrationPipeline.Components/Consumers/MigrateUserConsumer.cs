using MassTransit;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// Writes one user's items to Zep, then asks for validation (or, when there was nothing to write, lets the next user in).
/// Policy (concurrency, retry, queue, Zep request counting): <see cref="MigrateUserConsumerDefinition"/>.
/// </summary>
public sealed class MigrateUserConsumer(UserMigrationService migration, RunProgress progress, RunLeaseKeeper leases) : IConsumer<MigrateUser>
{
    public async Task Consume(ConsumeContext<MigrateUser> context)
    {
        var (runId, userKey) = (context.Message.RunId, context.Message.UserKey);
        leases.Hold(runId);
        if (await migration.MigrateAsync(runId, userKey, context.CancellationToken))
            await context.Publish(new ValidateUser(runId, userKey));
        else
            await progress.AdvanceAsync(runId, m => context.Publish(m), context.CancellationToken); // e.g. cancelled before it started
    }
}
