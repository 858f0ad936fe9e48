using System.Text.Json;

namespace Pixelated.ZepEmulator.Validation;

/// <summary>
/// Metadata rules of messages and episodes: at most 10 keys; each value a string, number or boolean,
/// or a non-empty array of those. null values, nested objects, empty arrays and nulls inside arrays are refused.
/// </summary>
internal static class MetadataRules
{
    public const int MaxKeys = 10;

    /// <returns>null when valid, else the detail of the 400 message (without the "bad request: " prefix).</returns>
    public static string? Check(IReadOnlyDictionary<string, JsonElement>? metadata, string field = "metadata")
    {
        if (metadata is null)
        {
            return null;
        }

        if (metadata.Count > MaxKeys)
        {
            return $"{field} can have at most {MaxKeys} keys, got {metadata.Count}";
        }

        foreach (var (key, value) in metadata)
        {
            if (!IsScalar(value) && !IsScalarArray(value))
            {
                return $"{field} value for key '{key}' must be a string, number, boolean, or a non-empty array of scalars";
            }
        }

        return null;
    }

    private static bool IsScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    private static bool IsScalarArray(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value.EnumerateArray().All(IsScalar);
}
