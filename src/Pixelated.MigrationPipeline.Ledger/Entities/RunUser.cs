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
