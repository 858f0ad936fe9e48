using System.Text.Json;

namespace Pixelated.ZepEmulator;

/// <summary>A user as the emulator keeps it (immutable snapshot; PATCH replaces it).</summary>
public sealed record StoredUser
{
    public required string Uuid { get; init; }
    public required string UserId { get; init; }
    public required long Id { get; init; }
    public required string GraphUuid { get; init; }
    public string? Email { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
    public bool DisableDefaultOntology { get; init; }
    public string? TimeZone { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
