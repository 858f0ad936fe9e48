using FsCheck;
using FsCheck.Fluent;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>Generators of <see cref="UnicodeText"/>: every plane, combining marks, RTL, CJK, emoji ZWJ sequences, JSON-escaped characters, long words.</summary>
public static class UnicodeTexts
{
    private static Gen<string> Scalar(int from, int to) => Gen.Choose(from, to).Select(char.ConvertFromUtf32);

    private static readonly Gen<string> AnyScalar = // every plane, surrogates excluded
        Gen.Choose(0, 0x10FFFF - 0x800).Select(c => char.ConvertFromUtf32(c >= 0xD800 ? c + 0x800 : c));

    private static readonly Gen<string> Letter = Gen.Frequency(
        (6, Scalar('a', 'z')), (3, Scalar(0xC0, 0x24F)), (2, Scalar(0x4E00, 0x9FFF)), (2, Scalar(0x1F300, 0x1FAFF)), (1, Scalar(0x300, 0x36F)));

    private static readonly Gen<string> Escaped = // what JSON escapes (up to 6 characters each) and what HTML-safe encoders did
        Gen.Elements("\"", "\\", "\u0000", "\u0001", "\u001f", "\b", "\f", "\r", "\n", "\t", "\u007f", "\u2028", "'", "<", "&", "+");

    private static readonly Gen<string> Dense = Gen.Frequency(
        (20, Gen.Elements("the", "client", "séance", "très", "fatigué", "Übung", "sleep", "journal")),
        (8, Scalar(0xC0, 0x24F)),                                              // Latin letters with accents
        (6, Scalar(0x300, 0x36F)),                                             // combining marks, stacked when they follow each other
        (5, Gen.OneOf(Scalar(0x5D0, 0x5EA), Scalar(0x621, 0x64A), Gen.Elements("\u200F", "\u202B", "\u202C"))), // Hebrew, Arabic, bidi marks
        (6, Gen.OneOf(Scalar(0x4E00, 0x9FFF), Scalar(0x3041, 0x3096), Scalar(0xAC00, 0xD7A3), Gen.Elements("。", "、", "！"))), // CJK, kana, Hangul
        (6, Scalar(0x1F300, 0x1FAFF)),                                         // emoji (outside the BMP)
        (4, Gen.Elements("👩‍⚕️", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇯🇵", "👍🏽", "🧑🏿‍🤝‍🧑🏻", "❤️", "e\u0301\u0323")), // ZWJ sequences, flags, modifiers
        (3, AnyScalar),
        (2, Scalar(0x10000, 0x10FFFF)),                                        // any supplementary plane, unassigned and private use too
        (3, Escaped));

    private static readonly Gen<string> LongWord = Gen.Choose(50, 4_000).SelectMany(n => Letter.ArrayOf(n)).Select(string.Concat);

    private static readonly Gen<string> Token = Gen.Frequency((500, Dense), (1, LongWord)); // a few long words in a long text

    private static readonly Gen<string> Spaces = Gen.Elements(" ", " ", " ", "\n", "\n\n", ". ", "! ", "? ", "。 ", "\t", "\u3000");

    private static Gen<UnicodeText> Text(Gen<string> token) =>
        Gen.Frequency((1, Gen.Choose(0, 40)), (4, Gen.Choose(2_000, 9_000)))
            .SelectMany(n => token.ArrayOf(n))
            .Select(tokens => new UnicodeText(tokens));

    public static Arbitrary<UnicodeText> Texts() => Arb.ToArbitrary(
        Gen.Frequency(
            (3, Text(Gen.Frequency((3, Token), (1, Spaces)))),
            (1, Text(Token.Where(t => !t.Any(char.IsWhiteSpace)))), // no whitespace at all
            (2, Text(Gen.Frequency((3, Token), (1, Spaces), (3, Escaped))))), // parts that grow once escaped
        (Func<UnicodeText, IEnumerable<UnicodeText>>)Shrink);

    /// <summary>Shorter texts of whole tokens (halves, then without one token), so a counterexample stays valid Unicode.</summary>
    private static IEnumerable<UnicodeText> Shrink(UnicodeText text)
    {
        var t = text.Tokens;
        if (t.Length == 0) yield break;
        yield return new UnicodeText(t[..(t.Length / 2)]);
        yield return new UnicodeText(t[(t.Length / 2)..]);
        if (t.Length <= 64)
            for (var i = 0; i < t.Length; i++) yield return new UnicodeText([.. t[..i], .. t[(i + 1)..]]);
    }
}
