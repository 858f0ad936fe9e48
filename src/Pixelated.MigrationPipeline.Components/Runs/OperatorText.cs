using System.Text;
using System.Text.RegularExpressions;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// Free text an operator types (the <c>reason</c> of a pause or cancel, from the API or the CLI's <c>--reason</c>) is kept
/// with the run and shown to viewers. Before it is stored: ANSI escape sequences and every other control character
/// (newlines, tabs, ESC, DEL, C1) are removed (runs of whitespace become one space), e-mail addresses are replaced by
/// <c>[e-mail]</c>, and the text is cut to <see cref="MaxLength"/> characters. The one place both interfaces go through.
/// </summary>
public static partial class OperatorText
{
    public const int MaxLength = 500;

    /// <summary>The text as stored, or null when nothing printable is left.</summary>
    public static string? Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        text = Ansi().Replace(text, "");
        var builder = new StringBuilder(Math.Min(text.Length, MaxLength * 2));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '\u2028' or '\u2029' or '\u200B' or '\u200E' or '\u200F' or '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069')
            {
                space = builder.Length > 0;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        var cleaned = Email().Replace(builder.ToString(), "[e-mail]");
        if (cleaned.Length > MaxLength)
            cleaned = cleaned[..(char.IsHighSurrogate(cleaned[MaxLength - 1]) ? MaxLength - 1 : MaxLength)];
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>CSI (<c>ESC [ … final</c>), OSC (<c>ESC ] … BEL/ST</c>) and two-character escapes.</summary>
    [GeneratedRegex(@"\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(\x07|\x1B\\)?|\x9B[0-?]*[ -/]*[@-~]|\x1B[@-Z\\-_]", RegexOptions.CultureInvariant)]
    private static partial Regex Ansi();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
