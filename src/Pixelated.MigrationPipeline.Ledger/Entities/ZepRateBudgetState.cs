namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>The shared token bucket of one Zep account (distributed mode): every worker takes its permits from this row.</summary>
public sealed class ZepRateBudgetState
{
    public string Target { get; set; } = "";
    public double Tokens { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Zep asked to hold off until then (429 Retry-After, or X-RateLimit-Remaining 0 until X-RateLimit-Reset).</summary>
    public DateTimeOffset? BlockedUntil { get; set; }
}
