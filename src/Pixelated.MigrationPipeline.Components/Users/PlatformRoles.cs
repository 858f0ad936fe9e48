namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>The roles a user has on the platform, as the users file's <c>role</c> column names them.</summary>
public static class PlatformRoles
{
    public static IReadOnlyList<string> All { get; } = ["patient", "therapist", "admin", "support"];

    /// <summary>The platform role <paramref name="value"/> names (trimmed, any case), in lower case; null when it names none.</summary>
    public static string? Normalize(string? value)
    {
        if (value is null) return null;
        var trimmed = value.Trim();
        foreach (var role in All)
            if (string.Equals(role, trimmed, StringComparison.OrdinalIgnoreCase)) return role;
        return null;
    }
}
