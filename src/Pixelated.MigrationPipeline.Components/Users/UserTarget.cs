using System.Security.Cryptography;
using System.Text;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// The Zep user a mem0 user becomes: the id it is written under (its threads, episodes and idempotency keys follow that
/// id), its role and its profile. An unmapped user is written under its mem0 id, so its keys are those it always had.
/// </summary>
/// <param name="UserKey">The mem0 user id (the ledger's key of the user).</param>
/// <param name="ZepUserId">The Zep user id.</param>
/// <param name="Role">A platform role (<see cref="PlatformRoles"/>), or another value kept as <c>mem0_role</c>; null for none.</param>
public sealed record UserTarget(string UserKey, string ZepUserId, string? Role = null, string? Email = null, string? FirstName = null, string? LastName = null)
{
    /// <summary>The ledger's Zep user id of a user that could not be mapped (never written).</summary>
    public const string Unmappable = "";

    /// <summary>A user with no mapping and no profile: written under its mem0 id.</summary>
    public static UserTarget Unmapped(string userKey) => new(userKey, userKey);

    /// <summary>The user as the ledger planned it (users staged before id mapping are written under their mem0 id).</summary>
    public static UserTarget Of(RunUser user) =>
        new(user.UserKey, ZepIdOf(user.UserKey, user.ZepUserId) ?? Unmappable, user.Role, user.Email, user.FirstName, user.LastName);

    /// <summary>
    /// The Zep id a ledger user is written under: its mapped id, its mem0 id when it was staged before id mapping (no
    /// mapped id), or null when it could not be mapped (<see cref="Unmappable"/>: never written).
    /// </summary>
    public static string? ZepIdOf(string userKey, string? ledgerZepUserId) => ledgerZepUserId switch
    {
        null => userKey,
        Unmappable => null,
        var mapped => mapped,
    };

    /// <summary>The role Zep's user metadata carries as <c>role</c>: a platform role, or null.</summary>
    public string? PlatformRole => PlatformRoles.Normalize(Role);

    /// <summary>A role outside the platform's, kept in Zep's user metadata as <c>mem0_role</c>.</summary>
    public string? OtherRole => Role is not null && PlatformRole is null ? Role : null;

    /// <summary>SHA-256 (hex) of e-mail and names: what validation compares once they are purged from the ledger.</summary>
    public string? ProfileHash => Email is null && FirstName is null && LastName is null ? null : HashOf(Email, FirstName, LastName);

    public static string HashOf(string? email, string? firstName, string? lastName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{email}\u001f{firstName}\u001f{lastName}")));
}
