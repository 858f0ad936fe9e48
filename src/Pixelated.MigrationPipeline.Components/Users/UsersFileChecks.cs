using System.Net.Mail;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// The checks of a users file's rows, each on its own and then across rows (one row per mem0 user, one mem0 user per
/// Zep user). A reason never holds a value of the file. Ids compare ordinally (case-sensitive).
/// </summary>
internal static class UsersFileChecks
{
    public const int MaxIdLength = 500;
    public const int MaxNameLength = 200;

    /// <summary>How many other rows a cross-row reason lists before it says how many more there are.</summary>
    private const int RowsListed = 10;

    private static readonly string RoleReason = $"not one of {string.Join(", ", PlatformRoles.All)}";

    private sealed class CheckedRow(RawUserRow raw)
    {
        public RawUserRow Raw { get; } = raw;
        public int Row => Raw.Row;
        public List<(string Field, string Reason)> Problems { get; } = [.. raw.ReadProblems];
        public string? Mem0UserId { get; set; }
        public string? ZepUserId { get; set; }
        public bool ZepUserIdValid { get; set; }
        public string? Role { get; set; }
    }

    /// <param name="rowNoun">What a row is called in a reason: <c>row</c> (CSV) or <c>entry</c> (JSON).</param>
    public static UsersFile Check(string fileName, RawUsersFile file, string rowNoun)
    {
        var rows = file.Rows.Select(CheckAlone).ToList();
        CheckDuplicateMem0UserIds(rows, rowNoun);
        CheckZepUserCollisions(rows, rowNoun);

        var good = new List<UserProfileRow>();
        var problems = new List<UsersFileProblem>(file.FileProblems);
        foreach (var row in rows)
        {
            if (row.Problems.Count == 0)
            {
                var raw = row.Raw;
                good.Add(new UserProfileRow(row.Row, row.Mem0UserId!, row.ZepUserId, raw[UsersFileColumns.Email],
                    raw[UsersFileColumns.FirstName], raw[UsersFileColumns.LastName], row.Role));
                continue;
            }
            foreach (var (field, reason) in row.Problems.OrderBy(p => FieldOrder(p.Field)))
                problems.Add(new UsersFileProblem(row.Row, row.Mem0UserId, field, reason));
        }
        return new UsersFile(fileName, good, problems);
    }

    private static int FieldOrder(string field)
    {
        for (var i = 0; i < UsersFileColumns.All.Count; i++)
            if (UsersFileColumns.All[i] == field) return i;
        return -1;
    }

    private static CheckedRow CheckAlone(RawUserRow raw)
    {
        var row = new CheckedRow(raw);
        if (raw.Unreadable) return row;
        bool ReadProblemIn(string field) => raw.ReadProblems.Exists(p => p.Field == field);

        var mem0 = raw[UsersFileColumns.Mem0UserId];
        if (mem0 is null)
        {
            if (!ReadProblemIn(UsersFileColumns.Mem0UserId))
                row.Problems.Add((UsersFileColumns.Mem0UserId, "empty (every row needs a mem0_user_id)"));
        }
        else if (IdProblem(mem0) is { } mem0Problem) row.Problems.Add((UsersFileColumns.Mem0UserId, mem0Problem));
        else row.Mem0UserId = mem0;

        var zep = raw[UsersFileColumns.ZepUserId];
        if (zep is not null)
        {
            if (IdProblem(zep) is { } zepProblem) row.Problems.Add((UsersFileColumns.ZepUserId, zepProblem));
            else { row.ZepUserId = zep; row.ZepUserIdValid = true; }
        }
        else row.ZepUserIdValid = !ReadProblemIn(UsersFileColumns.ZepUserId);

        if (raw[UsersFileColumns.Email] is { } email && !IsPlainEmailAddress(email))
            row.Problems.Add((UsersFileColumns.Email, "not a valid e-mail address (a plain address such as name@example.org, no display name)"));

        foreach (var column in (ReadOnlySpan<string>)[UsersFileColumns.FirstName, UsersFileColumns.LastName])
            if (raw[column] is { } name && NameProblem(name) is { } nameProblem)
                row.Problems.Add((column, nameProblem));

        if (raw[UsersFileColumns.Role] is { } role)
        {
            row.Role = PlatformRoles.Normalize(role);
            if (row.Role is null) row.Problems.Add((UsersFileColumns.Role, RoleReason));
        }
        return row;
    }

    private static string? IdProblem(string id) =>
        id.Length > MaxIdLength ? $"longer than {MaxIdLength} characters"
        : HasControlCharacter(id) ? "contains a control character (line break, tab...)"
        : null;

    private static string? NameProblem(string name) =>
        name.Length > MaxNameLength ? $"longer than {MaxNameLength} characters"
        : HasControlCharacter(name) ? "contains a control character (line break, tab...)"
        : null;

    private static bool HasControlCharacter(string value)
    {
        foreach (var c in value)
            if (char.IsControl(c)) return true;
        return false;
    }

    private static bool IsPlainEmailAddress(string value) =>
        !HasControlCharacter(value)
        && MailAddress.TryCreate(value, out var address)
        && string.Equals(address.Address, value, StringComparison.Ordinal);

    /// <summary>Every row of a mem0 user id that is on more than one row is bad.</summary>
    private static void CheckDuplicateMem0UserIds(List<CheckedRow> rows, string rowNoun)
    {
        foreach (var group in rows.Where(r => r.Mem0UserId is not null).GroupBy(r => r.Mem0UserId!, StringComparer.Ordinal))
        {
            var same = group.ToList();
            if (same.Count < 2) continue;
            foreach (var row in same)
                row.Problems.Add((UsersFileColumns.Mem0UserId,
                    $"the same mem0_user_id is also on {RowList(rowNoun, same.Where(o => o != row))}"));
        }
    }

    /// <summary>
    /// Every row whose mem0 user would land on the same Zep user as a different mem0 user is bad: the Zep user of a row is
    /// its zep_user_id, or its mem0_user_id when it has none.
    /// </summary>
    private static void CheckZepUserCollisions(List<CheckedRow> rows, string rowNoun)
    {
        var landing = rows.Where(r => r.Mem0UserId is not null && r.ZepUserIdValid);
        foreach (var group in landing.GroupBy(r => r.ZepUserId ?? r.Mem0UserId!, StringComparer.Ordinal))
        {
            var onto = group.ToList();
            if (onto.Count < 2) continue;
            foreach (var row in onto)
            {
                var others = onto.Where(o => !string.Equals(o.Mem0UserId, row.Mem0UserId, StringComparison.Ordinal)).ToList();
                if (others.Count == 0) continue;
                var rowList = RowList(rowNoun, others);
                row.Problems.Add((UsersFileColumns.ZepUserId, row.ZepUserId is not null
                    ? $"two mem0 users would land on one Zep user: this zep_user_id is also the Zep user of {rowList}"
                    : $"two mem0 users would land on one Zep user: this {rowNoun} has no zep_user_id, so its mem0_user_id is its Zep user id, which is also the Zep user of {rowList}"));
            }
        }
    }

    private static string RowList(string rowNoun, IEnumerable<CheckedRow> rows)
    {
        var numbers = rows.Select(r => r.Row).ToList();
        var listed = string.Join(", ", numbers.Take(RowsListed));
        var more = numbers.Count > RowsListed ? $" and {numbers.Count - RowsListed} more" : "";
        return numbers.Count == 1 ? $"{rowNoun} {listed}" : $"{rowNoun}s {listed}{more}";
    }
}
