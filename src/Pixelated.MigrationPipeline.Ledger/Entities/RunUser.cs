namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>One mem0 user within a run.</summary>
public sealed class RunUser
{
    public Guid RunId { get; set; }
    /// <summary>The mem0 user id (also the Zep user id).</summary>
    public string UserKey { get; set; } = "";
    public UserStatus Status { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// The Zep requests sent for this user (its migration and validation, its share of shared batches), added in SQL in
    /// the transaction that records the user's outcome: one counter on the run, updated by every user's outcome, made
    /// all of them wait in turn for its row lock (354 ms per update on average, measured on PostgreSQL with two workers).
    /// The run's total is its users' sum plus <see cref="MigrationRun.ZepRequests"/> (what runs before this counted there).
    /// </summary>
    public long ZepRequests { get; set; }
}

public enum UserStatus
{
    Staged = 0,
    Queued = 1,
    Migrating = 2,
    Migrated = 3,
    Verified = 4,
    Mismatched = 5,
    Failed = 6,
    Skipped = 7,
    Planned = 8,
    /// <summary>The run was cancelled before this user was migrated.</summary>
    Cancelled = 9,
}
