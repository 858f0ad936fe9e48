using System.Globalization;
using System.Text;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// The opaque cursor of a history page: the order it continues and a position in the thread counted from its oldest
/// message (messages are only ever appended, so a position stays valid while newer messages arrive). Newest first, the
/// next page ends just before <see cref="Position"/>; oldest first, it starts at it.
/// </summary>
public sealed record HistoryCursor(bool NewestFirst, int Position)
{
    private const string Prefix = "h1";

    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Prefix}:{(NewestFirst ? 'n' : 'o')}:{Position.ToString(CultureInfo.InvariantCulture)}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The cursor <paramref name="text"/> encodes, or null when it is not one of ours.</summary>
    public static HistoryCursor? Decode(string text)
    {
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split(':');
            if (parts.Length != 3 || parts[0] != Prefix || parts[1] is not ("n" or "o")) return null;
            return int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? new HistoryCursor(parts[1] == "n", position) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
