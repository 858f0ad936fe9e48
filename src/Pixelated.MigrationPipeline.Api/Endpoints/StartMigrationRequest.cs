using System.Globalization;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>
/// The options of a new run: the JSON body of <c>POST /api/v1/migrations</c>, or the form fields of a multipart upload.
/// </summary>
/// <param name="Path">A file or folder inside the drop folder (ignored when files are uploaded).</param>
/// <param name="DryRun">Convert and plan without writing to Zep.</param>
/// <param name="Users">Only these users; the others are skipped with the reason.</param>
/// <param name="Session">Only this conversation (session id).</param>
/// <param name="MaxUsersInFlight">Cap on users of this run migrating at once.</param>
/// <param name="AssignUserId">User id for records of formats that carry none.</param>
/// <param name="UsersFile">
/// A users file (<c>.csv</c> with a header row, or <c>.json</c>) inside the drop folder: which Zep user each mem0 user becomes,
/// its e-mail, names and role. An unreadable file is refused; its bad rows are failed items of the run.
/// </param>
/// <param name="UserPrefix">Put before the mem0 id of every user the users file does not map.</param>
/// <param name="UpdateUsers">Patch users that already exist in Zep to the planned role, e-mail and names.</param>
/// <param name="Source">
/// The mem0 source the export comes from: its runs form one chain of syncs (each migrates only what changed since the last).
/// Default: the export's file name without its date stamp. At most 300 characters, without control characters.
/// </param>
/// <param name="FullExport">The export holds every live memory: a memory migrated before and absent from it was deleted in the source.</param>
/// <param name="PropagateDeletes">
/// Delete in Zep the episodes of memories deleted in the source (marked deleted, or absent from a full export): audited,
/// listed in the report. Without it they are left in Zep and counted.
/// </param>
public sealed record StartMigrationRequest(
    string? Path = null,
    bool DryRun = false,
    IReadOnlyList<string>? Users = null,
    string? Session = null,
    int? MaxUsersInFlight = null,
    string? AssignUserId = null,
    string? UsersFile = null,
    string? UserPrefix = null,
    bool UpdateUsers = false,
    string? Source = null,
    bool FullExport = false,
    bool PropagateDeletes = false)
{
    private const int MaxIdLength = 500;

    /// <summary>A Zep user id holds at most 500 characters, the prefix included.</summary>
    private const int MaxPrefixLength = MaxIdLength - 1;

    /// <summary>Field errors, empty when valid (messages name fields, never values).</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (MaxUsersInFlight is < 1 or > 100_000) errors["maxUsersInFlight"] = ["must be between 1 and 100000"];
        if (Users is not null && (Users.Count > 100_000 || Users.Any(u => string.IsNullOrWhiteSpace(u) || u.Length > MaxIdLength)))
            errors["users"] = [$"at most 100000 non-empty ids of at most {MaxIdLength} characters"];
        if (Session is { Length: > MaxIdLength }) errors["session"] = [$"at most {MaxIdLength} characters"];
        if (AssignUserId is { Length: > MaxIdLength }) errors["assignUserId"] = [$"at most {MaxIdLength} characters"];
        if (UserPrefix is { } prefix && (prefix.Length > MaxPrefixLength || prefix.Any(char.IsControl)))
            errors["userPrefix"] = [$"at most {MaxPrefixLength} characters, without control characters"];
        if (Source is { } source && (string.IsNullOrWhiteSpace(source) || source.Length > SourceNames.MaxLength || source.Any(char.IsControl)))
            errors["source"] = [$"1 to {SourceNames.MaxLength} characters, without control characters"];
        return errors;
    }

    /// <summary>What the audit trail keeps: options and counts, never ids or paths.</summary>
    public string AuditDetail(string source) =>
        string.Join("; ", new[]
        {
            source,
            DryRun ? "dryRun=true" : "dryRun=false",
            Users is { Count: > 0 } ? $"users filter={Users.Count}" : null,
            Session is null ? null : "session filter",
            MaxUsersInFlight is { } m ? $"maxUsersInFlight={m}" : null,
            AssignUserId is null ? null : "assignUserId set",
            UsersFile is null ? null : "usersFile set",
            UserPrefix is null ? null : "userPrefix set",
            UpdateUsers ? "updateUsers=true" : null,
            Source is null ? null : "source set",
            FullExport ? "fullExport=true" : null,
            PropagateDeletes ? "propagateDeletes=true" : null,
        }.Where(s => s is not null));

    /// <summary>From multipart form fields; <c>users</c> may repeat or be comma separated. Null with an error for unreadable values.</summary>
    public static (StartMigrationRequest? Request, Dictionary<string, string[]> Errors) FromForm(IReadOnlyDictionary<string, List<string>> fields)
    {
        var errors = new Dictionary<string, string[]>();
        string? One(string name) => fields.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrWhiteSpace(v[^1]) ? v[^1].Trim() : null;

        var dryRun = false;
        if (One("dryRun") is { } d && !TryParseBool(d, out dryRun)) errors["dryRun"] = ["must be true or false"];
        var updateUsers = false;
        if (One("updateUsers") is { } uu && !TryParseBool(uu, out updateUsers)) errors["updateUsers"] = ["must be true or false"];
        var fullExport = false;
        if (One("fullExport") is { } fe && !TryParseBool(fe, out fullExport)) errors["fullExport"] = ["must be true or false"];
        var propagateDeletes = false;
        if (One("propagateDeletes") is { } pd && !TryParseBool(pd, out propagateDeletes)) errors["propagateDeletes"] = ["must be true or false"];
        int? max = null;
        if (One("maxUsersInFlight") is { } m)
        {
            if (int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) max = parsed;
            else errors["maxUsersInFlight"] = ["must be a whole number"];
        }
        var users = fields.TryGetValue("users", out var u)
            ? u.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : null;
        return errors.Count > 0
            ? (null, errors)
            : (new StartMigrationRequest(One("path"), dryRun, users is { Count: > 0 } ? users : null, One("session"), max, One("assignUserId"),
                One("usersFile"), One("userPrefix"), updateUsers, One("source"), fullExport, propagateDeletes), errors);
    }

    private static bool TryParseBool(string value, out bool result)
    {
        switch (value.ToLowerInvariant())
        {
            case "true" or "1" or "on" or "yes": result = true; return true;
            case "false" or "0" or "off" or "no": result = false; return true;
            default: result = false; return false;
        }
    }
}
