namespace Pixelated.MigrationPipeline.Ledger.Entities;

/// <summary>A difference between what was staged and what Zep holds. Keys and field names only, never content.</summary>
public sealed class ValidationFinding
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public string UserKey { get; set; } = "";
    public string ItemKey { get; set; } = "";
    public FindingKind Kind { get; set; }
    public string Field { get; set; } = "";
    public DateTimeOffset FoundAt { get; set; }
}

public enum FindingKind
{
    Missing = 0,
    Duplicated = 1,
    Differs = 2,
    Extra = 3,
    /// <summary>The user's records disagree on <c>metadata.role</c>; the most recent record's role was taken (field names the values).</summary>
    RoleConflict = 4,
}
