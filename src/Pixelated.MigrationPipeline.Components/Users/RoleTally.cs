using System.Text.Json;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// Collects, while an export is staged, the roles each user's records carry in <c>metadata.role</c>: the user's role is that
/// of its most recent such record (by <c>created_at</c>, then by reading order); records that disagree make a conflict
/// naming the values, never a silent pick. Platform roles are compared in any case; other values are kept as written.
/// </summary>
public sealed class RoleTally
{
    /// <summary>Longest role value taken from a record (anything longer is no role but free text, and is not kept).</summary>
    public const int MaxRoleLength = 64;

    private readonly Dictionary<string, Seen> _users = new(StringComparer.Ordinal);
    private long _order;

    private sealed class Seen
    {
        public required string Role;
        public DateTimeOffset? At;
        public long Order;
        public readonly SortedSet<string> Values = new(StringComparer.Ordinal);
    }

    /// <summary>The role a user ended with, and the distinct values its records disagree on (null when they agree).</summary>
    public sealed record Chosen(string Role, string? Conflict);

    /// <summary>Notes a staged record's <c>metadata.role</c>, if it carries one.</summary>
    public void Observe(string userKey, DateTimeOffset? createdAt, string? metadataJson)
    {
        var order = ++_order;
        if (RoleOf(metadataJson) is not { } role) return;
        if (!_users.TryGetValue(userKey, out var seen))
        {
            _users[userKey] = seen = new Seen { Role = role, At = createdAt, Order = order };
        }
        else if (Later(createdAt, order, seen))
        {
            seen.Role = role;
            seen.At = createdAt;
            seen.Order = order;
        }
        seen.Values.Add(role);
    }

    public Chosen? For(string userKey) =>
        _users.TryGetValue(userKey, out var seen)
            ? new Chosen(seen.Role, seen.Values.Count > 1 ? string.Join(", ", seen.Values) : null)
            : null;

    private static bool Later(DateTimeOffset? at, long order, Seen seen) =>
        (at?.UtcTicks ?? long.MinValue) > (seen.At?.UtcTicks ?? long.MinValue)
        || ((at?.UtcTicks ?? long.MinValue) == (seen.At?.UtcTicks ?? long.MinValue) && order > seen.Order);

    /// <summary>The record's role: a platform role in lower case, another short single-line value as written, else null.</summary>
    public static string? RoleOf(string? metadataJson)
    {
        if (metadataJson is null || !metadataJson.Contains("\"role\"", StringComparison.Ordinal)) return null;
        try
        {
            using var doc = JsonDocument.Parse(metadataJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("role", out var value) || value.ValueKind != JsonValueKind.String) return null;
            var text = value.GetString()!.Trim();
            if (PlatformRoles.Normalize(text) is { } platform) return platform;
            return text.Length is > 0 and <= MaxRoleLength && !text.Any(char.IsControl) ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
