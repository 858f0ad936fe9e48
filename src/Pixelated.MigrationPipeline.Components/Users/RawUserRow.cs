namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>A row as the CSV or JSON part read it, before it is checked: trimmed values of the known columns, empty = null.</summary>
internal sealed class RawUserRow(int row)
{
    public int Row { get; } = row;

    public Dictionary<string, string?> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Problems found while reading (a value that is not a string, a row that is not an object...).</summary>
    public List<(string Field, string Reason)> ReadProblems { get; } = [];

    /// <summary>True when the row's fields cannot be told apart (wrong field count, bad quoting, not an object): nothing of it is checked or used.</summary>
    public bool Unreadable { get; set; }

    public string? this[string column] => Values.GetValueOrDefault(column);

    public void Set(string column, string? value)
    {
        var trimmed = value?.Trim();
        Values[column] = string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }
}

/// <summary>What the CSV or JSON part read: the rows and the problems of the file as a whole.</summary>
internal sealed record RawUsersFile(IReadOnlyList<RawUserRow> Rows, IReadOnlyList<UsersFileProblem> FileProblems);
