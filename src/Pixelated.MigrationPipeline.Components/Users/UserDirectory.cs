namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>What a run maps users with: a users file (id map and profiles) and a prefix for the users it does not map.</summary>
/// <param name="UsersFile">Path of a <c>.csv</c> or <c>.json</c> users file; null for none.</param>
/// <param name="UserPrefix">Put before the mem0 id of every user the file does not map; null for none.</param>
public sealed record UserMapping(string? UsersFile = null, string? UserPrefix = null)
{
    public static UserMapping None { get; } = new();
}

/// <summary>A user of the export as it will be written to Zep, or why it cannot be.</summary>
/// <param name="RoleConflict">The distinct roles the user's records disagree on; null when they agree or the users file gives the role.</param>
/// <param name="ProfileRow">The users file row that matched the user; null for none.</param>
/// <param name="Failure">Why the user is not migrated (names the file, row and field, never a value); null when it is.</param>
public sealed record ResolvedUser(UserTarget Target, string? RoleConflict, int? ProfileRow, string? Failure);

/// <summary>A users file row that failed, with a reason naming file, row and field.</summary>
public sealed record FailedRow(string File, int Row, string? Mem0UserId, string Reason);

public sealed record UserResolution(IReadOnlyDictionary<string, ResolvedUser> Users, IReadOnlyList<FailedRow> FailedRows);

/// <summary>
/// Decides, for every user of an export, the Zep user it becomes (DESIGN.md §4): its id (the users file's
/// <c>zep_user_id</c>, else the prefix and the mem0 id, else the mem0 id), its role (the users file's, else its records'
/// most recent <c>metadata.role</c>) and its e-mail and names. A user whose row in the file is bad, or whose Zep id another
/// user of the export also gets, is not migrated (its items fail with the reason): written under an id nobody meant, it
/// would have to be found and moved by hand. The rest go on.
/// </summary>
public static class UserDirectory
{
    public const int MaxZepUserIdLength = 500;

    /// <summary>
    /// Reads the mapping's users file (if any) and resolves <paramref name="users"/>. A file that cannot be read, or whose real
    /// path is not below <paramref name="confinedTo"/> (the drop folder, for runs that may read only there), fails every user.
    /// </summary>
    public static UserResolution Load(IReadOnlyList<string> users, RoleTally roles, UserMapping mapping, string? confinedTo = null)
    {
        if (mapping.UsersFile is null) return Resolve(users, roles, null, mapping.UserPrefix);
        var name = Path.GetFileName(mapping.UsersFile);
        var outside = confinedTo is not null && !IsBelow(mapping.UsersFile, confinedTo);
        UsersFile? file = null;
        var reason = outside ? $"{name}: the users file lies outside the drop folder; not read" : "";
        if (outside || !UsersFileReader.TryRead(mapping.UsersFile, out file, out reason))
        {
            var failed = users.ToDictionary(u => u, u => new ResolvedUser(UserTarget.Unmapped(u), null, null,
                $"not migrated: {reason}"), StringComparer.Ordinal);
            return new UserResolution(failed, [new FailedRow(name, 0, null, reason)]);
        }
        return Resolve(users, roles, file, mapping.UserPrefix);
    }

    /// <summary>Whether the file's real path lies below the folder (a path that cannot be resolved, e.g. a link loop, does not).</summary>
    private static bool IsBelow(string path, string folder)
    {
        try { return Staging.RealPath.IsBelow(Staging.RealPath.Of(path), folder); }
        catch (IOException) { return false; }
    }

    public static UserResolution Resolve(IReadOnlyList<string> users, RoleTally roles, UsersFile? file, string? prefix)
    {
        var fileName = file?.FileName ?? "";
        var rows = file?.Rows.ToDictionary(r => r.Mem0UserId, StringComparer.Ordinal) ?? [];
        var failedRows = file?.Problems.Select(p => new FailedRow(fileName, p.Row, p.Mem0UserId, file.Describe(p))).ToList() ?? [];
        var badRowOf = failedRows.Where(r => r.Mem0UserId is not null).GroupBy(r => r.Mem0UserId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var resolved = new Dictionary<string, ResolvedUser>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            rows.TryGetValue(user, out var row);
            var zepUserId = row?.ZepUserId ?? (prefix + user);
            var fromRecords = roles.For(user);
            var target = new UserTarget(user, zepUserId, row?.Role ?? fromRecords?.Role, row?.Email, row?.FirstName, row?.LastName);
            var failure = badRowOf.TryGetValue(user, out var bad) ? $"not migrated: its users file row is invalid ({bad.Reason})"
                : zepUserId.Length > MaxZepUserIdLength ? $"not migrated: its Zep user id (user prefix and mem0 id) is longer than {MaxZepUserIdLength} characters"
                : null;
            resolved[user] = new ResolvedUser(target, row?.Role is null ? fromRecords?.Conflict : null, row?.Row, failure);
        }

        // Two mem0 users onto one Zep user would merge two people's memory: neither is migrated.
        foreach (var clash in resolved.Values.Where(u => u.Failure is null).GroupBy(u => u.Target.ZepUserId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var others = clash.Count() - 1;
            foreach (var user in clash)
                resolved[user.Target.UserKey] = user with
                {
                    Failure = $"not migrated: {others} other mem0 user(s) of this export would be written under the same Zep user id"
                              + (user.ProfileRow is { } r ? $" (users file {fileName} row {r}, field zep_user_id)" : " (users file or user prefix)"),
                };
        }
        return new UserResolution(resolved, failedRows);
    }
}
