namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>One mem0 user within a run.</summary>
public sealed class RunUser
{
    public Guid RunId { get; set; }
    /// <summary>The mem0 user id.</summary>
    public string UserKey { get; set; } = "";
    /// <summary>
    /// The Zep user id this user is written under: the users file's <c>zep_user_id</c>, or the run's user prefix and the mem0
    /// id, or the mem0 id itself. Null for users staged before id mapping (their Zep id is <see cref="UserKey"/>); empty for
    /// a user that could not be mapped (its users file row is bad, or another user lands on the same id): it is never written,
    /// not even by a retry (a new run with a corrected users file migrates it).
    /// </summary>
    public string? ZepUserId { get; set; }
    /// <summary>
    /// The user's role as written to Zep: the users file's, else that of the user's most recent record carrying
    /// <c>metadata.role</c>. A platform role (patient, therapist, admin, support) goes to Zep as <c>role</c>, any other
    /// value as <c>mem0_role</c>. Null when neither says.
    /// </summary>
    public string? Role { get; set; }
    /// <summary>The distinct roles the user's records disagree on (e.g. <c>patient, therapist</c>); null when they agree.</summary>
    public string? RoleConflict { get; set; }
    /// <summary>The users file row that gave this user's profile (its row number in that file); null when none matched.</summary>
    public int? ProfileRow { get; set; }
    /// <summary>E-mail from the users file (personal data): purged with the user's content.</summary>
    public string? Email { get; set; }
    /// <summary>First name from the users file (personal data): purged with the user's content.</summary>
    public string? FirstName { get; set; }
    /// <summary>Last name from the users file (personal data): purged with the user's content.</summary>
    public string? LastName { get; set; }
    /// <summary>SHA-256 (hex) of e-mail and names as planned, kept after they are purged so validation can still compare.</summary>
    public string? ProfileHash { get; set; }
    /// <summary>The user existed in Zep with other profile values and was patched (<c>--update-users</c>).</summary>
    public bool ProfileUpdated { get; set; }
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
