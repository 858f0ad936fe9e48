using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// Compares a Zep user with what was planned for it (<see cref="UserTarget"/>): the <c>mem0_user_id</c> and the role in its
/// metadata, its e-mail and names. Answers field names only, never values (e-mail and names are personal data).
/// </summary>
public static class UserProfileComparer
{
    /// <summary>
    /// The fields of <paramref name="actual"/> that differ from the plan. E-mail and names purged from the ledger are
    /// compared by <paramref name="profileHash"/> (the hash of the planned ones) and reported together as <c>profile</c>.
    /// A field the plan leaves empty (no role, no e-mail...) is not compared: Zep may hold one the source never had.
    /// </summary>
    public static IReadOnlyList<string> DifferingFields(UserTarget planned, string? profileHash, ZepUser actual)
    {
        var fields = new List<string>();
        var metadata = actual.Metadata;
        if (Text(metadata, "mem0_user_id") != planned.UserKey) fields.Add("mem0_user_id");
        if (planned.PlatformRole is { } role && Text(metadata, "role") != role) fields.Add("role");
        if (planned.OtherRole is { } other && Text(metadata, "mem0_role") != other) fields.Add("mem0_role");

        var purged = profileHash is not null && planned.Email is null && planned.FirstName is null && planned.LastName is null;
        if (purged)
        {
            if (UserTarget.HashOf(actual.Email, actual.FirstName, actual.LastName) != profileHash) fields.Add("profile");
            return fields;
        }
        if (planned.Email is not null && !string.Equals(planned.Email, actual.Email, StringComparison.OrdinalIgnoreCase)) fields.Add("email");
        if (planned.FirstName is not null && planned.FirstName != actual.FirstName) fields.Add("first_name");
        if (planned.LastName is not null && planned.LastName != actual.LastName) fields.Add("last_name");
        return fields;
    }

    /// <summary>
    /// The PATCH that makes <paramref name="actual"/> what was planned: Zep's metadata with the planned keys set (other keys
    /// kept, so the request is right whether Zep merges or replaces metadata), and the planned e-mail and names.
    /// </summary>
    public static UpdateUserRequest UpdateFor(UserTarget planned, CreateUserRequest create, ZepUser actual)
    {
        var metadata = actual.Metadata?.DeepClone().AsObject() ?? [];
        foreach (var (name, value) in create.Metadata ?? []) metadata[name] = value?.DeepClone();
        return new UpdateUserRequest(metadata, planned.FirstName, planned.LastName, planned.Email);
    }

    private static string? Text(JsonObject? metadata, string name) =>
        metadata?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
