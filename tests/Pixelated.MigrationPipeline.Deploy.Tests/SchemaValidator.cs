using System.Text.Json.Nodes;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>
/// Runs validator/validate.mjs (Node.js): Kubernetes objects against the kubernetes-models schemas, KEDA objects against
/// @kubernetes-models/keda, a compose file against the Compose Specification's schema. Installs the validator's npm
/// packages (npm ci, from package-lock.json) the first time when .ci/run has not.
/// </summary>
internal static class SchemaValidator
{
    private static readonly Lazy<string> Installed = new(Install);

    public static IReadOnlyList<string> ValidateKubernetes(IEnumerable<JsonObject> objects) =>
        Validate("k8s", new JsonArray(objects.Select(o => (JsonNode)o.DeepClone()).ToArray()));

    public static IReadOnlyList<string> ValidateCompose(JsonNode compose) => Validate("compose", compose);

    private static IReadOnlyList<string> Validate(string mode, JsonNode input)
    {
        var folder = Installed.Value;
        var file = Path.Combine(Path.GetTempPath(), $"pixelated-deploy-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, input.ToJsonString());
        try
        {
            var run = Repo.Run("node", ["validate.mjs", mode, file], folder)
                      ?? throw new InvalidOperationException("node is not installed (the Deploy tests validate schemas with Node.js)");
            var output = run.Stdout.Trim();
            if (output.Length == 0) throw new InvalidOperationException($"validate.mjs printed nothing (exit {run.ExitCode}): {run.Stderr}");
            var errors = JsonNode.Parse(output)!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
            if ((run.ExitCode == 0) != (errors.Count == 0)) throw new InvalidOperationException($"validate.mjs exit {run.ExitCode} with {errors.Count} errors");
            return errors;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Install()
    {
        // The script and its node_modules stay in the test project's folder (not copied to the build output).
        var source = Repo.PathOf("tests/Pixelated.MigrationPipeline.Deploy.Tests/validator");
        if (!Directory.Exists(Path.Combine(source, "node_modules", "kubernetes-models")))
        {
            var npm = Repo.Run("npm", ["ci", "--no-audit", "--no-fund"], source, timeoutSeconds: 600)
                      ?? throw new InvalidOperationException("npm is not installed (bash .ci/run installs the validator's packages)");
            if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci failed in {source}: {npm.Stderr}");
        }
        return source;
    }

    public static string Describe(IEnumerable<string> errors) => string.Join(Environment.NewLine, errors);
}
