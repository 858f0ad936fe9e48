namespace Pixelated.MemoryService.Access;

/// <summary>What a caller asks to do to a subject user's data; <see cref="AccessRules"/> says who may.</summary>
public enum Operation
{
    /// <summary>Read a profile (e-mail, name, role, status, metadata).</summary>
    ReadProfile,

    /// <summary>Change a profile's name or metadata.</summary>
    UpdateProfile,

    /// <summary>Change a profile's status (active/inactive/suspended).</summary>
    ChangeStatus,

    /// <summary>Create or erase a user, set a role, assign therapists.</summary>
    ManageUsers,

    /// <summary>List sessions and read a session's metadata (ids, times, state; no content).</summary>
    ReadSessions,

    /// <summary>Start a session.</summary>
    StartSession,

    /// <summary>Close a session.</summary>
    CloseSession,

    /// <summary>Read messages, summaries, emotional states, treatment plans, stats.</summary>
    ReadClinical,

    /// <summary>Write messages, summaries, emotional states, treatment plans.</summary>
    WriteClinical,

    /// <summary>Delete a session's memory (its Zep thread).</summary>
    DeleteClinical,

    /// <summary>Read and verify the audit trail.</summary>
    ReadAudit,
}
