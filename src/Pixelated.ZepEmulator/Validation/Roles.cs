namespace Pixelated.ZepEmulator.Validation;

/// <summary>The message role enum of v3 (ApidataRoleType).</summary>
internal static class Roles
{
    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(["norole", "system", "assistant", "user", "function", "tool"], StringComparer.Ordinal);

    /// <summary>
    /// The live service's text for a bad role, a Go format-string artefact reproduced verbatim
    /// (observed: "invalid role type%!(EXTRA string=REBBAI LECH)"), with the usual "bad request: " prefix.
    /// </summary>
    public static string InvalidRoleMessage(string? role) => $"bad request: invalid role type%!(EXTRA string={role})";
}
