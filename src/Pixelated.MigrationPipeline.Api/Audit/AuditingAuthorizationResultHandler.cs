using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Pixelated.MigrationPipeline.Api.Audit;

/// <summary>
/// Records operator actions refused by authorization (403: a valid key whose role does not allow them), then lets the
/// default handler answer. Calls without a valid key (401) are not recorded: there is no one to name.
/// </summary>
public sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>() is { } action)
            await OperatorAudit.RecordAsync(context, action.Action, StatusCodes.Status403Forbidden);
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
