using System.Text.Json;

namespace Pixelated.ZepEmulator;

/// <summary>A thread message as the emulator keeps it.</summary>
public sealed record StoredMessage
{
    public required string Uuid { get; init; }
    public required string ThreadId { get; init; }
    public required string Role { get; init; }
    public string? Name { get; init; }
    public required string Content { get; init; }

    /// <summary>The caller's <c>created_at</c> when given, otherwise the time the emulator received the message.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
}
