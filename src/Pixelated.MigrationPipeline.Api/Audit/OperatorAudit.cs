using System.Security.Claims;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Api.Audit;

/// <summary>Writes one operator action (done or refused) to the ledger's audit trail, as the calling key's name and role.</summary>
public static class OperatorAudit
{
    private const string RecordedKey = "audit.recorded";

    /// <summary>Whether this request's action is already in the audit trail.</summary>
    public static bool Recorded(HttpContext http) => http.Items.ContainsKey(RecordedKey);

    public static Task RecordAsync(HttpContext http, string action, int outcome)
    {
        http.Items[RecordedKey] = true;
        var user = http.User;
        var actor = new Actor(user.Identity?.Name ?? "anonymous", user.FindFirstValue(ClaimTypes.Role) ?? "");
        var trail = http.RequestServices.GetRequiredService<AuditTrail>();
        // Recorded even when the caller has gone away: the action may already have taken effect.
        return trail.RecordAsync(actor, action, AuditContext.RunId(http), AuditContext.Detail(http), outcome, CancellationToken.None);
    }
}
