namespace Pixelated.MigrationPipeline.Mem0;

/// <summary>Options of <see cref="Mem0ExportReader"/>. The defaults are the documented limits.</summary>
public sealed record Mem0ReaderOptions
{
    /// <summary>
    /// User id for records of formats that carry none (CLI output without scope, plugin Markdown, OpenMemory REST pages
    /// and JSONL, OSS history rows and agent-only message scopes). A record's own user id always wins. Null (default):
    /// such records fail with field <c>user_id</c>.
    /// </summary>
    public string? FallbackUserId { get; init; }

    /// <summary>Largest single record (JSON value, JSON line, Markdown block) accepted: 64 MB. Larger ones are refused.</summary>
    public int MaxRecordBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Cap on the bytes decompressed from one archive (all zip members, nested gzip included): 4 GB.</summary>
    public long MaxTotalUncompressedBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Compression ratio above which a member is refused as a zip bomb, once it passed <see cref="RatioCheckMinBytes"/>: 200.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Decompressed size from which the ratio is enforced: 10 MB (small members compress as they like).</summary>
    public long RatioCheckMinBytes { get; init; } = 10L * 1024 * 1024;

    public static Mem0ReaderOptions Default { get; } = new();
}
