using System.Text.Json;

namespace Pixelated.ZepEmulator;

/// <summary>A graph episode (graph.add) as the emulator keeps it.</summary>
public sealed record StoredEpisode
{
    public required string Uuid { get; init; }

    /// <summary>Owning user, or null for an episode on a standalone graph.</summary>
    public string? UserId { get; init; }

    /// <summary>Standalone graph id, or null for a user-graph episode.</summary>
    public string? GraphId { get; init; }

    /// <summary>The <c>data</c> field of graph.add.</summary>
    public required string Content { get; init; }

    /// <summary>The <c>type</c> field of graph.add (text, json, message); returned as <c>source</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The caller's <c>created_at</c> when given, otherwise the time the emulator received the episode.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
    public string? SourceDescription { get; init; }
    public string? DocumentId { get; init; }

    /// <summary>The batch id for an episode created by a Batch API item (returned as <c>task_id</c>); null otherwise.</summary>
    public string? TaskId { get; init; }

    /// <summary>Insertion sequence number (stable tie-breaker).</summary>
    public long Sequence { get; init; }
}
