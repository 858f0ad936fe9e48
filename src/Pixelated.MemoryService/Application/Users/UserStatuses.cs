namespace Pixelated.MemoryService.Application.Users;

/// <summary>A user's status, kept in the Zep user's metadata (<c>status</c>); a user without one is active.</summary>
public static class UserStatuses
{
    public const string Active = "active";
    public const string Inactive = "inactive";
    public const string Suspended = "suspended";

    public static readonly IReadOnlyList<string> All = [Active, Inactive, Suspended];

    /// <summary>The status named by <paramref name="value"/> (any case), or null.</summary>
    public static string? Parse(string? value) =>
        All.FirstOrDefault(s => string.Equals(s, value?.Trim(), StringComparison.OrdinalIgnoreCase));
}
