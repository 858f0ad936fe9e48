using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>
/// YAML to JSON the way Kubernetes and Compose read it: plain scalars typed by the YAML 1.2 core schema (null, booleans,
/// integers, floats), quoted scalars always strings, anchors and aliases resolved, merge keys (<c>&lt;&lt;</c>) merged.
/// </summary>
internal static partial class Yaml
{
    public static List<JsonNode?> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => ToJson(d.RootNode)).ToList();
    }

    public static JsonNode? LoadOne(string text) => LoadAll(text).Single();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (name == "<<") continue;
            result[name] = ToJson(value);
        }
        // Merge keys: the merged mappings' entries that the mapping does not set itself.
        foreach (var (key, value) in map.Children)
        {
            if (((YamlScalarNode)key).Value != "<<") continue;
            var sources = value is YamlSequenceNode list ? list.Children.ToList() : [value];
            foreach (var source in sources)
                foreach (var (k, v) in ToObject((YamlMappingNode)source))
                    if (!result.ContainsKey(k)) result[k] = v?.DeepClone();
        }
        return result;
    }

    private static JsonNode? ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
