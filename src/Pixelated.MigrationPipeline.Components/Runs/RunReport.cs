using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>The migration report of one run: totals, progress, users, every failed or skipped item with its reason, validation
/// findings, and what a rerun would do. Keys, counts and reasons only, never content. Statuses are enums here; every
/// interface shows them by their snake_case wire names (<see cref="StatusNames"/>).</summary>
public sealed record RunReport(
    Guid RunId,
    RunStatus Status,
    bool DryRun,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    UserTotals Users,
    ItemTotals Items,
    long ZepRequests,
    IReadOnlyList<UserLine> UserLines,
    IReadOnlyList<ItemProblem> Problems,
    IReadOnlyList<FindingLine> Findings)
{
    public string StartedVia { get; init; } = "cli";
    public string? RequestedBy { get; init; }
    public string? StatusReason { get; init; }
    public int MaxUsersInFlight { get; init; }
    public RunProgressFigures Progress { get; init; } = RunProgressFigures.None;
    public RerunPlan Rerun { get; init; } = RerunPlan.Nothing;
    /// <summary>
    /// Write units this run found already in Zep (written there under their keys by another ledger or an earlier version)
    /// and adopted instead of writing them again: the reconciliation of a rerun on a new or lost ledger.
    /// </summary>
    public int AdoptedUnits { get; init; }
    /// <summary>Users that existed in Zep and were patched to the planned role and profile (<c>--update-users</c>).</summary>
    public int UpdatedUsers { get; init; }
    /// <summary>The run as a sync of its source: source, previous run, lag, memories new / changed / unchanged / deleted.</summary>
    public SyncFigures Sync { get; init; } = SyncFigures.None;

    public bool AllUsersVerified => Users.Total > 0 && Users.Verified == Users.Total && Items.Failed == 0;
    public bool IsFinished => FinishedAt is not null;
}

public sealed record UserTotals(int Total, int Verified, int Failed, int Skipped, int Mismatched)
{
    public int Cancelled { get; init; }
    /// <summary>Users neither final nor planned: waiting, queued, migrating or awaiting validation.</summary>
    public int InProgress { get; init; }
}

public sealed record ItemTotals(int Total, int Migrated, int Skipped, int Failed, int Pending);

/// <summary>One user of a run: its mem0 id (<paramref name="User"/>), status, items and error.</summary>
public sealed record UserLine(string User, UserStatus Status, int Items, string? Error)
{
    /// <summary>The Zep user id it is written under (the mem0 id unless the users file or a prefix maps it); null when it could not be mapped.</summary>
    public string? ZepUserId { get; init; }
    /// <summary>The role written to the Zep user's metadata; null for none.</summary>
    public string? Role { get; init; }
    /// <summary>The user already existed in Zep and was patched to the planned profile (<c>--update-users</c>).</summary>
    public bool Updated { get; init; }

    public static UserLine Of(RunUser user, int items) => new(user.UserKey, user.Status, items, user.Error)
    {
        ZepUserId = UserTarget.ZepIdOf(user.UserKey, user.ZepUserId),
        Role = user.Role,
        Updated = user.ProfileUpdated,
    };
}

public sealed record ItemProblem(ItemStatus Status, string User, string ItemKey, string File, long Record, string? Reason);

public sealed record FindingLine(string User, string ItemKey, string Kind, string Field);

/// <summary>A run's status and progress, without the report's lines (<see cref="RunReportQuery.ProgressAsync"/>).</summary>
public sealed record RunProgressSnapshot(Guid RunId, RunStatus Status, DateTimeOffset? FinishedAt, RunProgressFigures Progress)
{
    public bool IsFinished => FinishedAt is not null;
}

/// <summary>How far the run is: items settled, the rate since staging finished, and the time left at that rate.</summary>
public sealed record RunProgressFigures(int ItemsSettled, int ItemsTotal, int UsersSettled, int UsersTotal, double ElapsedSeconds,
    double ItemsPerSecond, double? EtaSeconds)
{
    public static readonly RunProgressFigures None = new(0, 0, 0, 0, 0, 0, null);
    public double Percent => ItemsTotal == 0 ? 0 : Math.Round(100.0 * ItemsSettled / ItemsTotal, 1);
}

/// <summary>What <c>retry</c> / <c>resume</c> would do now: which users go again and how many items would be written.</summary>
public sealed record RerunPlan(int UsersToRetry, int UsersUnfinished, int ItemsToWrite, string Summary)
{
    public static readonly RerunPlan Nothing = new(0, 0, 0, "nothing: every item is migrated or skipped with a reason");
}

/// <summary>One line of the runs list.</summary>
public sealed record RunSummary(Guid RunId, RunStatus Status, bool DryRun, string StartedVia, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt,
    int Users, int UsersSettled, long ZepRequests)
{
    /// <summary>The mem0 source the run syncs; null for runs recorded before runs had one.</summary>
    public string? Source { get; init; }
    /// <summary>The finished sync of the same source this run followed; null for the first.</summary>
    public Guid? PreviousRunId { get; init; }
}

/// <summary>The runs list: the most recent runs, and the chain of syncs of each source they name (<see cref="SourceLag"/>).</summary>
public sealed record RunListing(IReadOnlyList<RunSummary> Runs, IReadOnlyList<SourceLag> Sources);
