using System.Text.Json.Nodes;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>
/// Renders a kustomization the way <c>kubectl kustomize</c> does, for the fields deploy/k8s uses: <c>resources</c>
/// (files and folders), <c>namespace</c>, <c>images</c> and <c>patches</c> (inline JSON 6902 with a kind/name target).
/// Any other field is refused, so a kustomization never silently renders differently here than in a cluster; where
/// kubectl is installed, <see cref="RenderWithKubectl"/> renders the same overlay for comparison.
/// </summary>
internal static class Kustomize
{
    private static readonly HashSet<string> Understood = ["apiVersion", "kind", "resources", "namespace", "images", "patches"];
    private static readonly HashSet<string> ClusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass", "IngressClass", "PriorityClass"];

    public static List<JsonObject> Render(string directory)
    {
        var kustomization = Yaml.LoadOne(File.ReadAllText(Path.Combine(directory, "kustomization.yaml"))) as JsonObject
                            ?? throw new InvalidDataException($"{directory}/kustomization.yaml is not a mapping");
        foreach (var (key, _) in kustomization)
            if (!Understood.Contains(key)) throw new NotSupportedException($"{directory}/kustomization.yaml: field '{key}' is not rendered by the tests' renderer");

        var objects = new List<JsonObject>();
        foreach (var resource in kustomization["resources"]?.AsArray() ?? [])
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource!.GetValue<string>()));
            if (Directory.Exists(path)) objects.AddRange(Render(path));
            else objects.AddRange(Yaml.LoadAll(File.ReadAllText(path)).OfType<JsonObject>());
        }
        if (kustomization["namespace"]?.GetValue<string>() is { } ns)
            foreach (var o in objects.Where(o => !ClusterScoped.Contains(Kind(o))))
                ((JsonObject)o["metadata"]!)["namespace"] = ns;
        foreach (var patch in kustomization["patches"]?.AsArray() ?? [])
            ApplyPatch(objects, (JsonObject)patch!, directory);
        foreach (var image in kustomization["images"]?.AsArray() ?? [])
            SetImage(objects, (JsonObject)image!);
        return objects;
    }

    /// <summary><c>kubectl kustomize DIR</c>, or null when no kubectl with kustomize is installed.</summary>
    public static List<JsonObject>? RenderWithKubectl(string directory)
    {
        var run = Repo.Run("kubectl", ["kustomize", directory]);
        if (run is null) return null;
        if (run.Value.ExitCode != 0) throw new InvalidOperationException($"kubectl kustomize {directory} failed: {run.Value.Stderr}");
        return Yaml.LoadAll(run.Value.Stdout).OfType<JsonObject>().ToList();
    }

    public static string Kind(JsonObject o) => o["kind"]?.GetValue<string>() ?? "";

    public static string Name(JsonObject o) => o["metadata"]?["name"]?.GetValue<string>() ?? "";

    private static void ApplyPatch(List<JsonObject> objects, JsonObject patch, string directory)
    {
        foreach (var (key, _) in patch)
            if (key is not ("target" or "patch")) throw new NotSupportedException($"{directory}: patches[].{key} is not rendered by the tests' renderer (inline JSON 6902 only)");
        var target = (JsonObject)patch["target"]!;
        foreach (var (key, _) in target)
            if (key is not ("kind" or "name")) throw new NotSupportedException($"{directory}: patch target field '{key}' is not supported here");
        var kind = target["kind"]!.GetValue<string>();
        var name = target["name"]!.GetValue<string>();
        var matches = objects.Where(o => Kind(o) == kind && Name(o) == name).ToList();
        if (matches.Count == 0) throw new InvalidDataException($"{directory}: a patch targets {kind}/{name}, which no resource defines");
        var operations = Yaml.LoadOne(patch["patch"]!.GetValue<string>())!.AsArray();
        foreach (var o in matches)
            foreach (var op in operations) JsonPatch.Apply(o, (JsonObject)op!);
    }

    private static void SetImage(List<JsonObject> objects, JsonObject image)
    {
        var name = image["name"]!.GetValue<string>();
        foreach (var o in objects)
        {
            var pod = o["spec"]?["template"]?["spec"] ?? o["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"];
            if (pod is null) continue;
            foreach (var list in new[] { "containers", "initContainers" })
                foreach (var container in pod[list]?.AsArray() ?? [])
                {
                    var current = container!["image"]!.GetValue<string>();
                    var (repo, tag) = SplitImage(current);
                    if (repo != name) continue;
                    var newRepo = image["newName"]?.GetValue<string>() ?? repo;
                    var newTag = image["newTag"]?.GetValue<string>() ?? tag;
                    container["image"] = newTag is null ? newRepo : $"{newRepo}:{newTag}";
                }
        }
    }

    private static (string Repo, string? Tag) SplitImage(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, null);
    }
}

/// <summary>JSON Patch (RFC 6902) add, replace and remove: the operations deploy/k8s's overlays use.</summary>
internal static class JsonPatch
{
    public static void Apply(JsonNode document, JsonObject operation)
    {
        var op = operation["op"]!.GetValue<string>();
        var tokens = operation["path"]!.GetValue<string>().Split('/').Skip(1).Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
        if (tokens.Count == 0) throw new NotSupportedException("patching the whole document");
        var parent = document;
        foreach (var t in tokens[..^1])
            parent = (parent is JsonArray a ? a[int.Parse(t)] : parent[t]) ?? throw new InvalidDataException($"path {operation["path"]} does not exist");
        var last = tokens[^1];
        var value = operation["value"]?.DeepClone();
        switch (op, parent)
        {
            case ("add", JsonArray array):
                if (last == "-") array.Add(value);
                else array.Insert(int.Parse(last), value);
                break;
            case ("add", JsonObject obj):
                obj[last] = value;
                break;
            case ("replace", JsonArray array):
                array[int.Parse(last)] = value;
                break;
            case ("replace", JsonObject obj):
                if (!obj.ContainsKey(last)) throw new InvalidDataException($"replace: {operation["path"]} does not exist");
                obj[last] = value;
                break;
            case ("remove", JsonArray array):
                array.RemoveAt(int.Parse(last));
                break;
            case ("remove", JsonObject obj):
                if (!obj.Remove(last)) throw new InvalidDataException($"remove: {operation["path"]} does not exist");
                break;
            default:
                throw new NotSupportedException($"JSON patch op '{op}' is not supported here");
        }
    }
}
