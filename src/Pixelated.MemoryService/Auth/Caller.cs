using System.Security.Claims;

namespace Pixelated.MemoryService.Auth;

/// <summary>
/// Who is calling: the token's subject (a user id) and role. The role is the token's, always: nothing stored and nothing
/// in a request body can change it.
/// </summary>
public sealed record Caller(string Id, string Role)
{
    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";

    public bool IsAdmin => Role == MemoryRoles.Admin;
    public bool IsSupport => Role == MemoryRoles.Support;
    public bool IsTherapist => Role == MemoryRoles.Therapist;
    public bool IsPatient => Role == MemoryRoles.Patient;

    /// <summary>The caller of an authenticated principal, or null when its token lacks a subject or a known role.</summary>
    public static Caller? From(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue(SubjectClaim);
        var role = MemoryRoles.Parse(principal.FindFirstValue(RoleClaim));
        return string.IsNullOrEmpty(id) || role is null ? null : new Caller(id, role);
    }
}
