using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>Who did what to which run, and how it ended. Details name options and counts, never content or user ids.</summary>
public sealed class AuditTrail(LedgerDbContext db, TimeProvider clock)
{
    public async Task RecordAsync(Actor actor, string action, Guid? runId, string? detail, int outcome, CancellationToken ct)
    {
        db.Audit.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            Actor = actor.Name,
            Role = actor.Role,
            Action = action,
            RunId = runId,
            Detail = detail is { Length: > 2000 } ? detail[..2000] : detail,
            Outcome = outcome,
        });
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Who acts: an API key's name and role, or the command line.</summary>
public sealed record Actor(string Name, string Role)
{
    public static readonly Actor CommandLine = new("cli", "operator");
}
