using System.Globalization;
using System.Text.Json.Nodes;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Users;

/// <summary>
/// What the service reads from a Zep user, whether it created it or the migration did: the role from the metadata's
/// <c>role</c> (a platform role, else none), the status from <c>status</c> (active when absent).
/// </summary>
public static class StoredProfile
{
    public static string? RoleOf(ZepUser user) => MemoryRoles.Parse(Text(user.Metadata, "role"));

    public static string StatusOf(ZepUser user) => UserStatuses.Parse(Text(user.Metadata, "status")) ?? UserStatuses.Active;

    public static DateTimeOffset? CreatedAtOf(ZepUser user) =>
        DateTimeOffset.TryParse(user.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public static UserProfile ToProfile(ZepUser user) => new(
        user.UserId,
        string.IsNullOrEmpty(user.Email) ? null : user.Email,
        UserNames.Join(user.FirstName, user.LastName),
        RoleOf(user),
        StatusOf(user),
        ReservedMetadata.CallerPart(user.Metadata),
        CreatedAtOf(user));

    private static string? Text(JsonObject? metadata, string key) =>
        metadata?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
