namespace Pixelated.MigrationPipeline.Mem0.Model;

/// <summary>What a reader yields for each record: an item, or a problem that names file, position and field.</summary>
public abstract record ReadOutcome;

public sealed record ItemRead(SourceItem Item) : ReadOutcome;

/// <summary>
/// A record that could not be read. <see cref="Reason"/> names the problem and field but never carries content.
/// <see cref="UserId"/> and <see cref="SourceId"/> are filled when they could be read, so the ledger can attribute the failure.
/// </summary>
public sealed record RecordFailed(SourcePosition Position, string? Field, string Reason, string? UserId = null, string? SourceId = null) : ReadOutcome
{
    public override string ToString() => Field is null ? $"{Position}: {Reason}" : $"{Position}, field '{Field}': {Reason}";
}
