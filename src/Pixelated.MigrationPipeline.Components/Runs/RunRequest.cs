namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>What a trigger (CLI, drop folder, API) asks a run to do.</summary>
/// <param name="Paths">Export files or folders, as full or relative paths.</param>
/// <param name="AssignUserId">User id for records of formats that carry none.</param>
/// <param name="Users">Only these users (others are skipped with the reason); null for all.</param>
/// <param name="Session">Only this conversation (session id); null for everything.</param>
/// <param name="MaxUsersInFlight">Cap on users migrating at once; null for <c>Pipeline:MaxUsersInFlight</c>.</param>
/// <param name="StartedVia">cli, api or drop-folder.</param>
/// <param name="RequestedBy">Who asked (API key name); null for the CLI or the drop folder.</param>
/// <param name="UsersFile">A users file (<c>.csv</c>/<c>.json</c>: id map, e-mail, names, role); null for none.</param>
/// <param name="UserPrefix">Put before the mem0 id of every user the users file does not map; null for none.</param>
/// <param name="UpdateUsers">Patch users that already exist in Zep to the planned role and profile.</param>
/// <param name="Source">The mem0 source the export comes from (its runs form one chain of syncs); null: the first export's
/// file name without its date stamp (<see cref="SourceNames.Of"/>).</param>
/// <param name="FullExport">The export holds every live memory: what an earlier run migrated and it lacks was deleted in the source.</param>
/// <param name="PropagateDeletes">Delete the episodes of memories deleted in the source from Zep (audited).</param>
public sealed record RunRequest(
    IReadOnlyList<string> Paths,
    bool DryRun = false,
    string? AssignUserId = null,
    IReadOnlyList<string>? Users = null,
    string? Session = null,
    int? MaxUsersInFlight = null,
    string StartedVia = "cli",
    string? RequestedBy = null,
    string? UsersFile = null,
    string? UserPrefix = null,
    bool UpdateUsers = false,
    string? Source = null,
    bool FullExport = false,
    bool PropagateDeletes = false);
