using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Reading;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// The JSON form of a users file: an array of objects, or <c>{"users": [...]}</c>; each object's properties are the
/// columns (any case), their values strings or null. Rows are numbered by their 1-based position in the array.
/// </summary>
internal static class UsersFileJson
{
    private const string UsersProperty = "users";
    private const string ExpectedRoot = "an array of users or {\"users\": [...]}";

    public static RawUsersFile Read(string text, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            // The exception's message may quote the text: only its position travels on.
            throw new UsersFileException(fileName, $"{fileName} line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: not valid JSON");
        }
        using (document)
        {
            var fileProblems = new List<UsersFileProblem>();
            var users = Users(document.RootElement, fileName, fileProblems);
            var unknown = new List<string>();
            var rows = new List<RawUserRow>();
            var position = 0;
            foreach (var user in users.EnumerateArray())
                rows.Add(Row(++position, user, unknown));
            foreach (var name in unknown)
                fileProblems.Add(new UsersFileProblem(0, null, name, UsersFileColumns.UnknownColumnReason));
            return new RawUsersFile(rows, fileProblems);
        }
    }

    private static JsonElement Users(JsonElement root, string fileName, List<UsersFileProblem> fileProblems)
    {
        if (root.ValueKind == JsonValueKind.Array) return root;
        if (root.ValueKind != JsonValueKind.Object)
            throw new UsersFileException(fileName, $"{fileName}: the root is {JsonKinds.Describe(root.ValueKind)}, not {ExpectedRoot}");

        JsonElement? users = null;
        foreach (var property in root.EnumerateObject())
        {
            if (!string.Equals(property.Name.Trim(), UsersProperty, StringComparison.OrdinalIgnoreCase))
            {
                fileProblems.Add(new UsersFileProblem(0, null, property.Name, $"unknown property of the root object (expected {UsersProperty})"));
                continue;
            }
            if (users is not null)
                throw new UsersFileException(fileName, $"{fileName}: the root object has property {UsersProperty} twice");
            users = property.Value;
        }
        if (users is null)
            throw new UsersFileException(fileName, $"{fileName}: the root object has no {UsersProperty} property (the file must be {ExpectedRoot})");
        if (users.Value.ValueKind != JsonValueKind.Array)
            throw new UsersFileException(fileName, $"{fileName}, field {UsersProperty}: {JsonKinds.Describe(users.Value.ValueKind)}, not an array (the file must be {ExpectedRoot})");
        return users.Value;
    }

    private static RawUserRow Row(int position, JsonElement user, List<string> unknown)
    {
        var row = new RawUserRow(position);
        if (user.ValueKind != JsonValueKind.Object)
        {
            row.Unreadable = true;
            row.ReadProblems.Add((UsersFileColumns.WholeRow, $"{JsonKinds.Describe(user.ValueKind)}, not an object"));
            return row;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in user.EnumerateObject())
        {
            if (UsersFileColumns.Known(property.Name) is not { } column)
            {
                if (!unknown.Contains(property.Name)) unknown.Add(property.Name);
                continue;
            }
            if (!seen.Add(column))
            {
                row.ReadProblems.Add((column, "appears twice in the object"));
                continue;
            }
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String: row.Set(column, property.Value.GetString()); break;
                case JsonValueKind.Null: row.Set(column, null); break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    row.ReadProblems.Add((column, $"{JsonKinds.Describe(property.Value.ValueKind)}, not a string (write the value in double quotes)")); break;
                default: row.ReadProblems.Add((column, $"{JsonKinds.Describe(property.Value.ValueKind)}, not a string")); break;
            }
        }
        return row;
    }
}
