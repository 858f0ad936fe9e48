using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Access;

/// <summary>
/// Who may do what, enforced on every route and every MCP tool (the token's role always; never a stored or sent one):
/// <list type="bullet">
/// <item>a patient reaches only their own user and sessions (no status change, no erasure);</item>
/// <item>a therapist their own and their assigned patients' (reads and writes clinical data, starts and closes sessions);</item>
/// <item>support reads and updates profiles and session metadata (and closes sessions) but never clinical content;</item>
/// <item>admin everything, and only admin creates and erases users, sets roles, assigns therapists and reads the audit.</item>
/// </list>
/// </summary>
public static class AccessRules
{
    /// <param name="self">The subject is the caller.</param>
    /// <param name="assigned">The caller is a therapist assigned to the subject.</param>
    public static bool Allows(Caller caller, Operation operation, bool self, bool assigned) => caller.Role switch
    {
        MemoryRoles.Admin => true,
        MemoryRoles.Support => operation is Operation.ReadProfile or Operation.UpdateProfile or Operation.ChangeStatus
            or Operation.ReadSessions or Operation.CloseSession,
        MemoryRoles.Therapist => (self || assigned) && operation is Operation.ReadProfile or Operation.UpdateProfile
            or Operation.ReadSessions or Operation.StartSession or Operation.CloseSession
            or Operation.ReadClinical or Operation.WriteClinical
            || self && operation is Operation.DeleteClinical,
        MemoryRoles.Patient => self && operation is Operation.ReadProfile or Operation.UpdateProfile
            or Operation.ReadSessions or Operation.StartSession or Operation.CloseSession
            or Operation.ReadClinical or Operation.WriteClinical or Operation.DeleteClinical,
        _ => false,
    };

    /// <summary>Whether the operation needs to know the caller's assignments (a therapist acting on someone else).</summary>
    public static bool NeedsAssignments(Caller caller, string subjectUserId) =>
        caller.IsTherapist && !string.Equals(caller.Id, subjectUserId, StringComparison.Ordinal);
}
