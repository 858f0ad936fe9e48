using MassTransit;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>Writes one user's items to Zep, then asks for validation.</summary>
public sealed class MigrateUserConsumer(UserMigrationService migration, RunStatusRoller runs, ZepRequestCounter counter) : IConsumer<MigrateUser>
{
    public async Task Consume(ConsumeContext<MigrateUser> context)
    {
        var (runId, userKey) = (context.Message.RunId, context.Message.UserKey);
        using var requests = counter.BeginScope();
        try
        {
            if (await migration.MigrateAsync(runId, userKey, context.CancellationToken))
                await context.Publish(new ValidateUser(runId, userKey));
        }
        finally
        {
            await runs.AddZepRequestsAsync(runId, requests.Count, CancellationToken.None);
        }
    }
}

public sealed class MigrateUserConsumerDefinition : ConsumerDefinition<MigrateUserConsumer>
{
    public MigrateUserConsumerDefinition() => ConcurrentMessageLimit = 8;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<MigrateUserConsumer> consumer,
        IRegistrationContext context)
    {
        // Unknown outcomes propagate from the writer; a retry reads Zep back before sending again.
        endpoint.UseOutageTolerantRetry();
        endpoint.ConfigureQuorumQueue();
    }
}
