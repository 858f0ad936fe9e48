namespace Pixelated.MigrationPipeline.Ledger.Entities;

public sealed class MigrationRun
{
    public Guid Id { get; set; }
    public RunStatus Status { get; set; }
    public bool DryRun { get; set; }
    /// <summary>JSON array of the source file names given to the run.</summary>
    public string SourceFiles { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? IngestedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>HTTP requests sent to Zep on behalf of this run (writes, read-backs, validation).</summary>
    public long ZepRequests { get; set; }
    /// <summary>Why the run could not proceed (no content, only file names and field names).</summary>
    public string? Error { get; set; }
}

public enum RunStatus
{
    Created = 0,
    Ingesting = 1,
    Migrating = 2,
    Completed = 3,
    CompletedWithErrors = 4,
    Failed = 5,
    DryRunCompleted = 6,
}
