namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>One operator action (start, pause, resume, cancel, retry, revalidate...): who, what, when. Never content.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The API key's name (never the key), or <c>cli</c>.</summary>
    public string Actor { get; set; } = "";
    public string Role { get; set; } = "";
    /// <summary>What was done, e.g. <c>migration.start</c>, <c>migration.pause</c>.</summary>
    public string Action { get; set; } = "";
    public Guid? RunId { get; set; }
    /// <summary>Parameters of the action (options, counts), never content or user ids.</summary>
    public string? Detail { get; set; }
    /// <summary>HTTP status (or exit code) the action ended with.</summary>
    public int Outcome { get; set; }
}
