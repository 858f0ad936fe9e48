using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Pixelated.ZepEmulator.Tests.Infrastructure;

/// <summary>
/// Validates bodies against components.schemas of Fixtures/zep-v3-openapi-subset.json. Each check builds a
/// JSON Schema 2020-12 document whose $defs are the OpenAPI schemas, with "#/components/schemas/X" refs
/// rewritten to "#/$defs/X".
/// </summary>
internal static class ZepSchemas
{
    private static readonly Lazy<JsonObject> Definitions = new(LoadDefinitions);
    private static readonly ConcurrentDictionary<string, JsonSchema> Cache = new();

    public static void AssertValid(string schemaName, JsonElement body) => Check(For(schemaName, arrayOf: false), schemaName, body);

    public static void AssertValidArrayOf(string schemaName, JsonElement body) => Check(For(schemaName, arrayOf: true), $"[{schemaName}]", body);

    public static bool IsValid(string schemaName, JsonElement body) =>
        For(schemaName, arrayOf: false).Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;

    private static void Check(JsonSchema schema, string label, JsonElement body)
    {
        var result = schema.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var problems = (result.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"));
            Assert.Fail($"Body does not match {label}: {string.Join("; ", problems)}\n{body.GetRawText()}");
        }
    }

    private static JsonSchema For(string schemaName, bool arrayOf) =>
        Cache.GetOrAdd((arrayOf ? "array-of-" : string.Empty) + schemaName, key =>
        {
            if (!Definitions.Value.ContainsKey(schemaName))
            {
                throw new ArgumentException($"No schema {schemaName} in the OpenAPI subset.", nameof(schemaName));
            }

            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$id"] = $"https://pixelated.test/zep-v3/{key}",
                ["$defs"] = Definitions.Value.DeepClone(),
            };
            if (arrayOf)
            {
                root["type"] = "array";
                root["items"] = new JsonObject { ["$ref"] = $"#/$defs/{schemaName}" };
            }
            else
            {
                root["$ref"] = $"#/$defs/{schemaName}";
            }

            return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        });

    private static JsonObject LoadDefinitions()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "zep-v3-openapi-subset.json");
        var openApi = JsonNode.Parse(File.ReadAllText(path))!;
        var schemas = openApi["components"]!["schemas"]!.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonNode.Parse(schemas)!.AsObject();
    }
}
