using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Detection;

/// <summary>What sniffing found: the format, the property path to the records array (empty = root array; null =
/// the root value is the one record), and for an unsupported file a short reason naming what it looks like (no
/// content). <see cref="Gzip"/>: the file is gzip-compressed (the format is that of its content).
/// <see cref="Scope"/>: string values of a CLI envelope's <c>scope</c> object.</summary>
internal sealed record SniffResult(ExportFormat Format, IReadOnlyList<string>? RecordsPath, string? Reason = null)
{
    public bool Gzip { get; init; }

    public IReadOnlyDictionary<string, string> Scope { get; init; } = new Dictionary<string, string>();

    /// <summary>For SQLite files: the mem0 tables found.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    public static SniffResult Unsupported(string reason) => new(ExportFormat.Unknown, [], reason);

    /// <summary>A recognised mem0 output that holds no migratable records (refused with <paramref name="reason"/>).</summary>
    public static SniffResult NoRecords(ExportFormat format, string reason) => new(format, [], reason);
}
