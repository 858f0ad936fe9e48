namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>
/// Splits text that exceeds a Zep limit at paragraph, then sentence, then word boundaries (a hard cut only when a
/// single word is longer than the limit). Lengths are UTF-16 units, which is never less than the code-point count,
/// so a part within the limit is within it whichever way Zep counts. Surrogate pairs are never cut.
/// </summary>
public static class TextSplitter
{
    public static IReadOnlyList<string> Split(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 16);
        if (text.Length <= maxLength) return [text];

        var parts = new List<string>();
        var rest = text.AsSpan();
        while (rest.Length > maxLength)
        {
            var cut = FindCut(rest[..maxLength]);
            parts.Add(rest[..cut].ToString());
            rest = rest[cut..];
        }
        if (rest.Length > 0) parts.Add(rest.ToString());
        return parts;
    }

    private static int FindCut(ReadOnlySpan<char> window)
    {
        var minimum = window.Length / 2; // never make tiny parts
        var paragraph = window.LastIndexOf("\n\n");
        if (paragraph >= minimum) return paragraph + 2;

        for (var i = window.Length - 2; i >= minimum; i--)
        {
            if (window[i] is '.' or '!' or '?' or '\u3002' && char.IsWhiteSpace(window[i + 1])) return i + 2;
        }
        for (var i = window.Length - 1; i >= minimum; i--)
        {
            if (char.IsWhiteSpace(window[i])) return i + 1;
        }
        var hard = window.Length;
        if (char.IsHighSurrogate(window[hard - 1])) hard--;
        return hard;
    }
}
