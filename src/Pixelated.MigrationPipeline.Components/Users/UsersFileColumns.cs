namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>The columns (JSON properties) of a users file.</summary>
internal static class UsersFileColumns
{
    public const string Mem0UserId = "mem0_user_id";
    public const string ZepUserId = "zep_user_id";
    public const string Email = "email";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string Role = "role";

    /// <summary>The field of a problem with a row as a whole (wrong number of fields, not an object...).</summary>
    public const string WholeRow = "row";

    public static readonly IReadOnlyList<string> All = [Mem0UserId, ZepUserId, Email, FirstName, LastName, Role];

    public static readonly string UnknownColumnReason = $"unknown column (expected {string.Join(", ", All)})";

    /// <summary>The column <paramref name="name"/> names (trimmed, any case), or null.</summary>
    public static string? Known(string name)
    {
        var trimmed = name.Trim();
        foreach (var column in All)
            if (string.Equals(column, trimmed, StringComparison.OrdinalIgnoreCase)) return column;
        return null;
    }
}
