using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Detection;

/// <summary>What sniffing found: the format, the property path to the records array (empty = root array), and for
/// an unsupported file a short reason naming what it looks like (no content).</summary>
internal sealed record SniffResult(ExportFormat Format, IReadOnlyList<string> RecordsPath, string? Reason = null)
{
    public static SniffResult Unsupported(string reason) => new(ExportFormat.Unknown, [], reason);
}
