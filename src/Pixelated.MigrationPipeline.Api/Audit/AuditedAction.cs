namespace Pixelated.MigrationPipeline.Api.Audit;

/// <summary>Endpoint metadata: this endpoint is an operator action recorded in the audit trail under <paramref name="Action"/>.</summary>
public sealed record AuditedAction(string Action);

/// <summary>What a handler tells the audit trail beyond its status code (<see cref="HttpContext.Items"/>).</summary>
public static class AuditContext
{
    private const string RunIdKey = "audit.runId";
    private const string DetailKey = "audit.detail";

    public static void SetRunId(this HttpContext http, Guid runId) => http.Items[RunIdKey] = runId;

    /// <summary>Options and counts only: never content, user ids, file names or keys.</summary>
    public static void SetAuditDetail(this HttpContext http, string detail) => http.Items[DetailKey] = detail;

    public static Guid? RunId(HttpContext http) =>
        http.Items.TryGetValue(RunIdKey, out var id) && id is Guid g ? g
        : http.Request.RouteValues.TryGetValue("id", out var route) && Guid.TryParse(route?.ToString(), out var r) ? r
        : null;

    public static string? Detail(HttpContext http) => http.Items.TryGetValue(DetailKey, out var d) ? d as string : null;
}
