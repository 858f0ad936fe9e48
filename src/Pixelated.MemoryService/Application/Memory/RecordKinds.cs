namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// The structured records a session keeps, under the kind names the migration gives mem0's structured memories
/// (<c>mem0_kind</c>), so that migrated and live records are found alike. A migrated <c>summary</c> reads as a summary.
/// </summary>
public static class RecordKinds
{
    public const string SessionSummary = "session_summary";
    public const string EmotionalState = "emotional_state";
    public const string TreatmentPlan = "treatment_plan";

    /// <summary>The stored kinds a read of <paramref name="kind"/> accepts.</summary>
    public static IReadOnlySet<string> ReadAs(string kind) => kind == SessionSummary
        ? new HashSet<string> { SessionSummary, "summary" }
        : new HashSet<string> { kind };
}
