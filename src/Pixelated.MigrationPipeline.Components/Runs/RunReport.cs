namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>The migration report of one run: totals, users, and every failed or skipped item with its reason (no content).</summary>
public sealed record RunReport(
    Guid RunId,
    string Status,
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
    public bool AllUsersVerified => Users.Total > 0 && Users.Verified == Users.Total && Items.Failed == 0;
    public bool IsFinished => FinishedAt is not null;
}

public sealed record UserTotals(int Total, int Verified, int Failed, int Skipped, int Mismatched);

public sealed record ItemTotals(int Total, int Migrated, int Skipped, int Failed, int Pending);

public sealed record UserLine(string User, string Status, int Items, string? Error);

public sealed record ItemProblem(string Status, string User, string ItemKey, string File, long Record, string? Reason);

public sealed record FindingLine(string User, string ItemKey, string Kind, string Field);
