using System.Net.Mail;
using System.Text.Json.Nodes;
using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Application.Users;

/// <summary>
/// The rules of the user fields. Each check answers null when the value holds, else the reason (never the value itself:
/// reasons reach problem details and the audit, which must not carry e-mail addresses or names).
/// </summary>
public static class UserValidation
{
    public const int MaxEmailLength = 320;
    public const int MaxNameLength = 200;
    public const int MaxUserIdLength = 200;
    public const int MaxMetadataKeys = 20;

    public static string? Email(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return "is required";
        if (email.Length > MaxEmailLength) return $"is longer than {MaxEmailLength} characters";
        if (email.Any(char.IsWhiteSpace) || email.Any(char.IsControl)) return "is not a valid e-mail address";
        return MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && parsed.Host.Contains('.')
            ? null
            : "is not a valid e-mail address";
    }

    public static string? Name(string? name)
    {
        if (name is null || name.Trim().Length == 0) return "is required (1 to 200 characters)";
        if (name.Trim().Length > MaxNameLength) return $"is longer than {MaxNameLength} characters";
        return name.Any(char.IsControl) ? "contains control characters" : null;
    }

    public static string? UserId(string? userId)
    {
        if (string.IsNullOrEmpty(userId)) return "is empty";
        if (userId.Length > MaxUserIdLength) return $"is longer than {MaxUserIdLength} characters";
        return userId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) ? "contains whitespace or control characters" : null;
    }

    public static string RoleReason => $"must be one of: {string.Join(", ", MemoryRoles.All)}";

    public static string StatusReason => $"must be one of: {string.Join(", ", UserStatuses.All)}";

    /// <summary>A caller's metadata: a JSON object of at most 20 keys, none reserved. The field named is <c>metadata</c> or <c>metadata.KEY</c>.</summary>
    public static (string Field, string Reason)? Metadata(JsonNode? metadata)
    {
        if (metadata is null) return null;
        if (metadata is not JsonObject o) return ("metadata", "must be a JSON object");
        if (o.Count > MaxMetadataKeys) return ("metadata", $"has more than {MaxMetadataKeys} keys");
        return ReservedMetadata.FirstReservedKey(o) is { } key
            ? ($"metadata.{key}", "is a reserved key: the service and the migration own it")
            : null;
    }
}
