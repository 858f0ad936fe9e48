namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// Reads the users file of a migration (<c>migrate --users FILE</c>): which Zep user each mem0 user migrates to and the
/// profile that Zep user gets. Columns (JSON properties): <c>mem0_user_id</c> (required), <c>zep_user_id</c>,
/// <c>email</c>, <c>first_name</c>, <c>last_name</c>, <c>role</c>; values are trimmed and an empty value is absent.
/// </summary>
/// <remarks>
/// <para>
/// A <c>.csv</c> file is RFC 4180 with a comma separator and a header row naming the columns, UTF-8 with or without a
/// byte order mark; a row is numbered as a spreadsheet numbers it (header = row 1, first data row = row 2). A
/// <c>.json</c> file is an array of objects or <c>{"users": [...]}</c>; a row is numbered by its 1-based position in the
/// array.
/// </para>
/// <para>
/// A row with a problem is left out of <see cref="UsersFile.Rows"/> and gives one <see cref="UsersFileProblem"/> per
/// problem: a missing, too long (over 500 characters) or control-character mem0_user_id or zep_user_id; an e-mail
/// address that is not a plain valid address; a role that is not a platform role; a name over 200 characters or with a
/// control character; a JSON value that is not a string or null; a CSV row whose field count differs from the header's
/// or whose quoting is malformed; a mem0_user_id on more than one row (every such row); two mem0 users landing on one
/// Zep user (every such row; a row without zep_user_id lands on its mem0_user_id). An unknown column is a problem of
/// the file (row 1 in CSV, 0 in JSON); the known columns are still read.
/// </para>
/// <para>Problem reasons and exception messages never hold a value of the file (health data: e-mail addresses, names, roles and ids).</para>
/// </remarks>
public static class UsersFileReader
{
    /// <exception cref="UsersFileException">
    /// The file cannot be read at all: not <c>.csv</c> or <c>.json</c>, missing, not UTF-8, a CSV file without a
    /// <c>mem0_user_id</c> header, malformed JSON, or a JSON root that is neither an array nor <c>{"users": [...]}</c>.
    /// </exception>
    /// <summary>
    /// <see cref="Read"/> that reports a file that cannot be read (or is no longer there) instead of throwing:
    /// <paramref name="reason"/> names the file and why, never a value of it.
    /// </summary>
    public static bool TryRead(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UsersFile? file, out string reason)
    {
        try
        {
            file = Read(path);
            reason = "";
            return true;
        }
        catch (Exception e) when (e is UsersFileException or IOException or UnauthorizedAccessException)
        {
            file = null;
            reason = e is UsersFileException ? e.Message : $"{Path.GetFileName(path)}: the users file could not be read ({e.GetType().Name})";
            return false;
        }
    }

    public static UsersFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fileName = Path.GetFileName(path);
        var extension = Path.GetExtension(path);
        var isCsv = string.Equals(extension, ".csv", StringComparison.OrdinalIgnoreCase);
        if (!isCsv && !string.Equals(extension, ".json", StringComparison.OrdinalIgnoreCase))
            throw new UsersFileException(fileName, $"{fileName}: a users file must be a .csv or a .json file");

        var text = UsersFileText.Load(path, fileName);
        return isCsv
            ? UsersFileChecks.Check(fileName, UsersFileCsv.Read(text, fileName), "row")
            : UsersFileChecks.Check(fileName, UsersFileJson.Read(text, fileName), "entry");
    }
}
