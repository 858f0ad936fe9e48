namespace Pixelated.MemoryService.Auth;

/// <summary>The platform's roles, as the token's <c>role</c> claim names them (and as the migration writes them to Zep users).</summary>
public static class MemoryRoles
{
    public const string Patient = "patient";
    public const string Therapist = "therapist";
    public const string Admin = "admin";
    public const string Support = "support";

    public static readonly IReadOnlyList<string> All = [Patient, Therapist, Admin, Support];

    /// <summary>The role named by <paramref name="value"/> (any case), or null.</summary>
    public static string? Parse(string? value) =>
        All.FirstOrDefault(r => string.Equals(r, value?.Trim(), StringComparison.OrdinalIgnoreCase));
}
