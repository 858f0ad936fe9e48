using System.Globalization;

namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>
/// Splits text that exceeds a Zep limit at paragraph, then sentence, then word boundaries (a hard cut only when a
/// single word is longer than the limit). Lengths are UTF-16 units, which is never less than the code-point count,
/// so a part within the limit is within it whichever way Zep counts. Surrogate pairs are never cut.
/// <see cref="Split"/> is the splitter every migrated item was planned with, and must stay as it is (keys are per part
/// index); <see cref="SplitMeasured"/> splits by the size a part will have as sent, for the parts that do not fit.
/// </summary>
public static class TextSplitter
{
    /// <summary>The UTF-16 units the unit at <c>index</c> of <c>text</c> takes once sent (0 for the low half of a surrogate pair counted with its high half).</summary>
    public delegate int UnitWidth(ReadOnlySpan<char> text, int index);

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

    /// <summary>
    /// Splits so that each part's sent size (the sum of its units' <paramref name="width"/>) is within
    /// <paramref name="firstBudget"/> for the first part and <paramref name="budget"/> for the others. Cuts are made at a
    /// paragraph, sentence or word boundary in the second half of what fits, else after the last whole grapheme cluster
    /// (a letter with its combining marks, an emoji ZWJ sequence, a flag), and inside a cluster only when one cluster alone
    /// is larger than the budget, then still between code points. The parts joined are the text, unit for unit.
    /// </summary>
    public static IReadOnlyList<string> SplitMeasured(string text, int firstBudget, int budget, UnitWidth width)
    {
        var parts = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = WindowEnd(text, start, parts.Count == 0 ? firstBudget : budget, width);
            var cut = end == text.Length ? end : FindReadableCut(text, start, end);
            parts.Add(text[start..cut]);
            start = cut;
        }
        if (parts.Count == 0) parts.Add(text);
        return parts;
    }

    /// <summary>Where the longest run from <paramref name="start"/> within <paramref name="budget"/> ends (at least one code point).</summary>
    private static int WindowEnd(string text, int start, int budget, UnitWidth width)
    {
        var end = start;
        var used = 0;
        while (end < text.Length)
        {
            var units = IsPairAt(text, end) ? 2 : 1;
            var sent = width(text, end) + (units == 2 ? width(text, end + 1) : 0);
            if (used + sent > budget) break;
            used += sent;
            end += units;
        }
        return end > start ? end : start + (IsPairAt(text, start) ? 2 : 1);
    }

    private static bool IsPairAt(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);

    private static int FindReadableCut(string text, int start, int end)
    {
        var boundaries = GraphemeBoundaries(text, start, end);
        bool Between(int at) => boundaries.BinarySearch(at) >= 0;
        var window = text.AsSpan(start, end - start);
        var minimum = window.Length / 2; // never make tiny parts

        for (var i = window.Length - 2; i >= minimum; i--)
        {
            if (window[i] == '\n' && window[i + 1] == '\n' && Between(start + i + 2)) return start + i + 2;
        }
        for (var i = window.Length - 2; i >= minimum; i--)
        {
            if (window[i] is '.' or '!' or '?' or '\u3002' && char.IsWhiteSpace(window[i + 1]) && Between(start + i + 2)) return start + i + 2;
            if (window[i] is '\u3002' or '\uFF01' or '\uFF1F' && Between(start + i + 1)) return start + i + 1; // CJK: no space follows
        }
        for (var i = window.Length - 1; i >= minimum; i--)
        {
            if (char.IsWhiteSpace(window[i]) && Between(start + i + 1)) return start + i + 1;
        }
        return boundaries.Count > 0 ? boundaries[^1] : end;
    }

    /// <summary>The grapheme cluster boundaries after <paramref name="start"/> up to <paramref name="end"/>, in order (clusters are found in the whole text, so a cluster running past <paramref name="end"/> has no boundary there).</summary>
    private static List<int> GraphemeBoundaries(string text, int start, int end)
    {
        var boundaries = new List<int>();
        var at = start;
        while (at < end)
        {
            at += StringInfo.GetNextTextElementLength(text.AsSpan(at));
            if (at <= end) boundaries.Add(at);
        }
        return boundaries;
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
