using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// A record's property names, read once. A mapper asks for ~20 names per record, most of them alternative spellings
/// that are absent, and each <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> transcodes the name and
/// scans the whole object again: a seventh of the reading time of a large export. Here a lookup compares lengths, then
/// bytes. Same answers as <c>TryGetProperty</c>: the last of duplicate names wins; escaped names are decoded to compare.
/// </summary>
internal sealed class PropertyIndex
{
    private readonly JsonProperty[] _properties;
    private readonly int[] _starts;
    private readonly byte[] _names;
    private readonly bool _escapes;

    public PropertyIndex(JsonElement record)
    {
        _properties = record.ValueKind == JsonValueKind.Object ? [.. record.EnumerateObject()] : [];
        _starts = new int[_properties.Length + 1];
        for (var i = 0; i < _properties.Length; i++)
            _starts[i + 1] = _starts[i] + JsonMarshal.GetRawUtf8PropertyName(_properties[i]).Length;
        _names = new byte[_starts[^1]];
        for (var i = 0; i < _properties.Length; i++)
            JsonMarshal.GetRawUtf8PropertyName(_properties[i]).CopyTo(_names.AsSpan(_starts[i]));
        _escapes = _names.AsSpan().Contains((byte)'\\');
    }

    /// <param name="name">An ASCII property name.</param>
    public bool TryFind(string name, out JsonElement value)
    {
        for (var i = _properties.Length - 1; i >= 0; i--)
        {
            var raw = _names.AsSpan(_starts[i], _starts[i + 1] - _starts[i]);
            if (_escapes ? _properties[i].NameEquals(name) : raw.Length == name.Length && Ascii.Equals(raw, name))
            {
                value = _properties[i].Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
