namespace Pixelated.MigrationPipeline.Api.Audit;

/// <summary>
/// The audit trail's safety net: an operator action refused before its handler ran (by the framework: a parameter it
/// could not bind, a body it could not read) and recorded by neither the <see cref="AuditFilter"/> nor the authorization
/// handler is recorded here, with the key's name and the status the caller received. Calls without a valid key (401,
/// 429) are not recorded: there is no one to name.
/// </summary>
public static class UnrecordedRefusalAudit
{
    public static IApplicationBuilder UseUnrecordedRefusalAudit(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var action = http.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>();
        if (action is null)
        {
            await next(http);
            return;
        }
        try
        {
            await next(http);
        }
        finally
        {
            if (!OperatorAudit.Recorded(http) && http.User.Identity?.IsAuthenticated == true && http.Response.StatusCode >= 400)
                await OperatorAudit.RecordAsync(http, action.Action, http.Response.StatusCode);
        }
    });
}
