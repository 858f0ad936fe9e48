namespace Pixelated.MemoryService.Application.Users;

/// <summary>
/// A display name as Zep keeps it: the first word as <c>first_name</c>, the rest as <c>last_name</c> (as the migration
/// writes the users file's names). An empty last name is sent as "" so an update can clear it (Zep leaves out nulls).
/// </summary>
public static class UserNames
{
    public static (string First, string Last) Split(string name)
    {
        var trimmed = name.Trim();
        var space = trimmed.IndexOfAny([' ', '\t']);
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }

    /// <summary>The name read back from Zep's parts, or null when it has none.</summary>
    public static string? Join(string? first, string? last)
    {
        var joined = string.Join(' ', new[] { first, last }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));
        return joined.Length == 0 ? null : joined;
    }
}
