namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>mem0 message roles → Zep's role enum, as the platform has used them (DESIGN.md §4).</summary>
public static class RoleMapper
{
    public static readonly IReadOnlySet<string> ZepRoles = new HashSet<string> { "norole", "system", "assistant", "user", "function", "tool" };

    /// <summary>Returns Zep's role; <paramref name="keepOriginal"/> is true when the source role must travel in metadata.</summary>
    public static string Map(string? sourceRole, out bool keepOriginal)
    {
        keepOriginal = false;
        switch (sourceRole?.Trim().ToLowerInvariant())
        {
            case "user": return "user";
            case "assistant" or "ai" or "ai_therapist": return "assistant";
            case "system": return "system";
            case "therapist": keepOriginal = true; return "user";
            case "tool": return "tool";
            case "function": return "function";
            default: keepOriginal = true; return "norole";
        }
    }
}
