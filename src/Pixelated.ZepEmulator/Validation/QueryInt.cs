using System.Globalization;

namespace Pixelated.ZepEmulator.Validation;

/// <summary>Parses optional integer query parameters, so a bad value gets Zep's JSON 400 instead of an empty one.</summary>
internal static class QueryInt
{
    /// <returns>false when the parameter is present but not an integer.</returns>
    public static bool TryRead(HttpRequest request, string name, out int? value)
    {
        value = null;
        var raw = request.Query[name].ToString();
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }
}
