namespace Pixelated.MigrationPipeline.Ledger.Entities;

public sealed class MigrationRun
{
    public Guid Id { get; set; }
    public RunStatus Status { get; set; }
    public bool DryRun { get; set; }
    /// <summary>JSON array of the full paths of the source files given to the run (a resumed ingest reads them again).</summary>
    public string SourceFiles { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? IngestedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>
    /// HTTP requests sent to Zep on behalf of this run (writes, read-backs, validation) counted on the run itself, by runs
    /// before per-user counts (<see cref="RunUser.ZepRequests"/>); no longer written. A run's total is this plus its users'.
    /// </summary>
    public long ZepRequests { get; set; }
    /// <summary>Why the run could not proceed (no content, only file names and field names).</summary>
    public string? Error { get; set; }
    /// <summary>Users of this run migrating at once (dispatched but not yet final); the rest wait as <c>Staged</c>.</summary>
    public int MaxUsersInFlight { get; set; }
    /// <summary>JSON array of the user ids this run is limited to; null for every user of the export.</summary>
    public string? UserFilter { get; set; }
    /// <summary>User id given for records of formats that carry none.</summary>
    public string? AssignUserId { get; set; }
    /// <summary>Full path of the users file (id mapping and profiles) given to the run; null for none.</summary>
    public string? UsersFile { get; set; }
    /// <summary>Prefix put before the mem0 id of every user the users file does not map; null for none.</summary>
    public string? UserPrefix { get; set; }
    /// <summary>Users that already exist in Zep get their metadata, e-mail and names patched to what was planned.</summary>
    public bool UpdateUsers { get; set; }
    /// <summary>The one conversation (session id) this run is limited to; null for all of them.</summary>
    public string? SessionFilter { get; set; }
    /// <summary>
    /// The mem0 source this run syncs (<c>--source</c>, or the export's file name without its date stamp): the runs of one
    /// source form its chain of syncs.
    /// </summary>
    public string? SourceName { get; set; }
    /// <summary>The last finished run of the same source when this one was created (the sync before it); null for the first.</summary>
    public Guid? PreviousRunId { get; set; }
    /// <summary>The export declares itself complete: a memory an earlier run migrated that it does not hold was deleted in the source.</summary>
    public bool FullExport { get; set; }
    /// <summary>Memories deleted in the source have their episodes deleted in Zep (audited); otherwise they are left and counted.</summary>
    public bool PropagateDeletes { get; set; }
    /// <summary>What started the run: cli, api, drop-folder.</summary>
    public string StartedVia { get; set; } = "cli";
    /// <summary>Who started the run (API key name, or the CLI).</summary>
    public string? RequestedBy { get; set; }
    /// <summary>Why the run was paused or cancelled, as given by the operator.</summary>
    public string? StatusReason { get; set; }
    /// <summary>
    /// Until when the run is known to be hosted (Unix time, milliseconds): renewed every third of <c>Pipeline:RunLeaseSeconds</c>
    /// by each process that has worked on the run while it lives. An unfinished run whose lease has passed is
    /// <see cref="RunStatus.Interrupted"/> (derived, never stored). Null for runs recorded before leases: never interrupted.
    /// </summary>
    public long? LeaseExpiresAtMs { get; set; }
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
    /// <summary>No new users are dispatched; users already in flight finish.</summary>
    Paused = 7,
    /// <summary>Stopped by an operator: users not yet dispatched are <c>Cancelled</c>.</summary>
    Cancelled = 8,
    /// <summary>
    /// Never stored: shown (report, runs list, views) for a run that is <c>Created</c>, <c>Ingesting</c> or <c>Migrating</c>
    /// whose lease has expired, i.e. no live process hosts it. Vanishes once a process resumes it.
    /// </summary>
    Interrupted = 9,
}
