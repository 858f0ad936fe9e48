using MassTransit;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;

namespace Pixelated.MigrationPipeline.Components.Consumers;

/// <summary>
/// Counts the Zep requests of one delivery attempt of a user's migration or validation and adds them to its user
/// (<see cref="RunZepRequests"/>), even when the attempt fails. A scoped filter: it runs inside the endpoint's retry, in the
/// attempt's own scope, the same scope the consumer and its services are resolved from.
/// </summary>
public sealed class ZepRequestsPerUserFilter(RunZepRequests zepRequests) :
    IFilter<ConsumeContext<MigrateUser>>,
    IFilter<ConsumeContext<ValidateUser>>
{
    public Task Send(ConsumeContext<MigrateUser> context, IPipe<ConsumeContext<MigrateUser>> next) =>
        zepRequests.MeasureAsync(context.Message.RunId, context.Message.UserKey, () => next.Send(context));

    public Task Send(ConsumeContext<ValidateUser> context, IPipe<ConsumeContext<ValidateUser>> next) =>
        zepRequests.MeasureAsync(context.Message.RunId, context.Message.UserKey, () => next.Send(context));

    public void Probe(ProbeContext context) => context.CreateFilterScope("zepRequestsPerUser");
}
