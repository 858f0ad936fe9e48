namespace Pixelated.ZepEmulator.Validation;

/// <summary>
/// Character counting for Zep's limits. The emulator counts Unicode code points (runes), like the
/// old open-source server (utf8.RuneCountInString); an emoji outside the BMP is one character,
/// not two UTF-16 units. Whether Zep Cloud does the same is UNCONFIRMED (CONTRACT §8).
/// </summary>
internal static class TextLength
{
    public static int CodePoints(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            count++;
        }

        return count;
    }
}
