using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// <c>--update-users</c>: a user that already existed in Zep is read back and, when its role, mem0 id, e-mail or names
/// differ from the plan, patched (PATCH /users/{userId}). Without the option an existing user keeps what it has.
/// </summary>
public static class UserProfileUpdate
{
    /// <summary>True when the user was patched; false when Zep already holds the plan (or does not know the user).</summary>
    public static async Task<bool> ApplyAsync(ZepClient zep, UserTarget target, CreateUserRequest planned, CancellationToken ct)
    {
        var actual = await zep.GetUserAsync(target.ZepUserId, ct);
        if (actual is null || UserProfileComparer.DifferingFields(target, null, actual).Count == 0) return false;
        return await zep.UpdateUserAsync(target.ZepUserId, UserProfileComparer.UpdateFor(target, planned, actual), ct);
    }
}
