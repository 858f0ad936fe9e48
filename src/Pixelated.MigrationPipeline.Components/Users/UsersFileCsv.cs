using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// The CSV form of a users file: RFC 4180, comma-separated, a header row naming the columns (any order, any case),
/// <c>mem0_user_id</c> required. Rows are numbered as a spreadsheet numbers them (<see cref="CsvParser.Row"/>).
/// </summary>
internal static class UsersFileCsv
{
    private const string QuotingReason =
        "malformed quoting (a value with a comma, quote or line break must be in double quotes, and a quote inside it doubled)";

    public static RawUsersFile Read(string text, string fileName)
    {
        var badDataRows = new HashSet<int>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = ",",
            DetectDelimiter = false,
            Mode = CsvMode.RFC4180,
            HasHeaderRecord = true,
            IgnoreBlankLines = true,
            AllowComments = false,
            TrimOptions = TrimOptions.None,
            BadDataFound = args => badDataRows.Add(args.Context.Parser!.Row),
        };
        using var parser = new CsvParser(new StringReader(text), config);
        try
        {
            return Read(parser, fileName, badDataRows);
        }
        catch (CsvHelperException)
        {
            // CsvHelper's messages quote the raw record: neither its message nor the exception may travel on.
            throw new UsersFileException(fileName, $"{fileName} row {parser.Row}: cannot be read as CSV");
        }
    }

    private static RawUsersFile Read(CsvParser parser, string fileName, HashSet<int> badDataRows)
    {
        if (!parser.Read())
            throw new UsersFileException(fileName, $"{fileName} row 1: no header row (the first row must name the columns, {UsersFileColumns.Mem0UserId} among them)");

        var headerRow = parser.Row;
        var header = parser.Record ?? [];
        if (badDataRows.Contains(headerRow))
            throw new UsersFileException(fileName, $"{fileName} row {headerRow}: the header has {QuotingReason}");
        var columns = new string?[header.Length];
        var fileProblems = new List<UsersFileProblem>();
        for (var i = 0; i < header.Length; i++)
        {
            var known = UsersFileColumns.Known(header[i]);
            if (known is null)
            {
                var name = header[i].Trim();
                fileProblems.Add(new UsersFileProblem(headerRow, null, name.Length > 0 ? name : $"(column {i + 1}, no name)", UsersFileColumns.UnknownColumnReason));
            }
            else if (Array.IndexOf(columns, known) >= 0)
                throw new UsersFileException(fileName, $"{fileName} row {headerRow}: the header names column {known} twice");
            columns[i] = known;
        }
        if (Array.IndexOf(columns, UsersFileColumns.Mem0UserId) < 0)
            throw new UsersFileException(fileName, $"{fileName} row {headerRow}: the header has no {UsersFileColumns.Mem0UserId} column (the first row must name the columns, {UsersFileColumns.Mem0UserId} among them)");

        var rows = new List<RawUserRow>();
        while (parser.Read())
        {
            var row = new RawUserRow(parser.Row);
            rows.Add(row);
            // The parser reads a record's fields only when asked for them, and only then reports bad quoting.
            var record = parser.Record ?? [];
            if (badDataRows.Contains(parser.Row))
            {
                row.Unreadable = true;
                row.ReadProblems.Add((UsersFileColumns.WholeRow, QuotingReason));
            }
            else if (record.Length != columns.Length)
            {
                row.Unreadable = true;
                row.ReadProblems.Add((UsersFileColumns.WholeRow, $"has {Fields(record.Length)}, the header has {Fields(columns.Length)}"));
            }
            else
            {
                for (var i = 0; i < columns.Length; i++)
                    if (columns[i] is { } column) row.Set(column, record[i]);
            }
        }
        return new RawUsersFile(rows, fileProblems);
    }

    private static string Fields(int count) => count == 1 ? "1 field" : $"{count} fields";
}
