namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// What a unit <c>Sent</c> into a shared batch holds in its <c>ZepIds</c> until its result is known: the batch's id, so a
/// later attempt asks Zep about that batch before deciding whether the unit's items may have landed.
/// </summary>
public static class SharedBatchRef
{
    private const string Prefix = "shared-batch:";

    public static string Of(string batchId) => Prefix + batchId;

    public static string? BatchIdOf(string? zepIds) =>
        zepIds is not null && zepIds.StartsWith(Prefix, StringComparison.Ordinal) && zepIds.Length > Prefix.Length ? zepIds[Prefix.Length..] : null;
}
