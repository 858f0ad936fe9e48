using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>deploy/k8s: each overlay rendered, validated against the Kubernetes and KEDA schemas, and checked for what we promise.</summary>
public class Kubernetes_manifests(ITestOutputHelper output)
{
    public static TheoryData<string> Overlays => new() { "dev", "prod" };

    // Image -> the host's project folder under src/ (to find the routes its probes may use).
    private static readonly Dictionary<string, string> HostOfImage = new()
    {
        ["pixelated-migration-worker"] = "Pixelated.MigrationPipeline.Worker",
        ["pixelated-migration-api"] = "Pixelated.MigrationPipeline.Api",
        ["pixelated-memory"] = "Pixelated.MemoryService",
        ["pixelated-zep-emulator"] = "Pixelated.ZepEmulator",
    };

    private static List<JsonObject> Render(string overlay) => Kustomize.Render(Repo.PathOf($"deploy/k8s/overlays/{overlay}"));

    private static IEnumerable<JsonObject> OfKind(List<JsonObject> objects, string kind) => objects.Where(o => Kustomize.Kind(o) == kind);

    private static JsonObject Get(List<JsonObject> objects, string kind, string name) =>
        objects.Single(o => Kustomize.Kind(o) == kind && Kustomize.Name(o) == name);

    private static IEnumerable<JsonObject> Containers(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Cast<JsonObject>();

    private static string BaseImage(JsonObject container)
    {
        var image = container["image"]!.GetValue<string>();
        var repo = image.Split(':')[0];
        return HostOfImage.Keys.Single(k => repo == k || repo.EndsWith("/" + k.Replace("pixelated-", "")));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_rendered_object_passes_the_Kubernetes_and_KEDA_schemas(string overlay)
    {
        var objects = Render(overlay);
        output.WriteLine($"{overlay}: {string.Join(", ", objects.Select(o => $"{Kustomize.Kind(o)}/{Kustomize.Name(o)}"))}");
        var errors = SchemaValidator.ValidateKubernetes(objects);
        Assert.True(errors.Count == 0, SchemaValidator.Describe(errors));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Core_objects_carry_no_field_the_Kubernetes_types_do_not_know(string overlay)
    {
        foreach (var o in Render(overlay).Where(o => !Kustomize.Kind(o).EndsWith("Object") && Kustomize.Kind(o) != "TriggerAuthentication"))
            k8s.KubernetesYaml.LoadAllFromString(o.ToJsonString(), strict: true);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_tests_renderer_agrees_with_kubectl_kustomize_where_kubectl_is_installed(string overlay)
    {
        var expected = Kustomize.RenderWithKubectl(Repo.PathOf($"deploy/k8s/overlays/{overlay}"));
        if (expected is null)
        {
            output.WriteLine("kubectl is not installed: the schema tests use the tests' renderer alone");
            return;
        }
        var ours = Render(overlay);
        Assert.Equal(expected.Count, ours.Count);
        foreach (var e in expected)
        {
            var mine = ours.Single(o => Kustomize.Kind(o) == Kustomize.Kind(e) && Kustomize.Name(o) == Kustomize.Name(e));
            Assert.True(JsonNode.DeepEquals(e, mine), $"{Kustomize.Kind(e)}/{Kustomize.Name(e)} differs:\nkubectl: {e.ToJsonString()}\nours:    {mine.ToJsonString()}");
        }
    }

    [Fact]
    public void The_validator_rejects_broken_manifests()
    {
        var objects = Render("prod");
        var worker = (JsonObject)Get(objects, "Deployment", "pixelated-worker").DeepClone();
        worker["spec"]!.AsObject().Remove("selector");
        var api = (JsonObject)Get(objects, "Deployment", "pixelated-api").DeepClone();
        api["spec"]!["replicas"] = "two";
        var scaled = (JsonObject)Get(objects, "ScaledObject", "pixelated-worker").DeepClone();
        scaled["spec"]!["triggers"]![0]!.AsObject().Remove("type");
        var unknown = new JsonObject { ["apiVersion"] = "example.org/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" } };

        var errors = SchemaValidator.ValidateKubernetes([worker, api, scaled, unknown]);
        Assert.Contains(errors, e => e.StartsWith("Deployment/pixelated-worker:") && e.Contains("selector"));
        Assert.Contains(errors, e => e.StartsWith("Deployment/pixelated-api:") && e.Contains("replicas"));
        Assert.Contains(errors, e => e.StartsWith("ScaledObject/pixelated-worker:") && e.Contains("type"));
        Assert.Contains(errors, e => e.StartsWith("Widget/w:") && e.Contains("no schema"));

        // A misspelt field passes the schema (it allows unknown fields) but not the typed load.
        var typo = (JsonObject)Get(objects, "Deployment", "pixelated-api").DeepClone();
        typo["spec"]!["template"]!["spec"]!["containers"]![0]!["readynessProbe"] = new JsonObject();
        Assert.ThrowsAny<Exception>(() => k8s.KubernetesYaml.LoadAllFromString(typo.ToJsonString(), strict: true));
    }

    [Fact]
    public void The_renderer_refuses_what_it_does_not_render()
    {
        var dir = Directory.CreateTempSubdirectory("pixelated-kustomize-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "kustomization.yaml"), "resources: []\ncommonLabels: { a: b }\n");
            Assert.Throws<NotSupportedException>(() => Kustomize.Render(dir));
            File.WriteAllText(Path.Combine(dir, "kustomization.yaml"), $"resources: [{Repo.PathOf("deploy/k8s/base")}]\npatches:\n  - target: {{ kind: Deployment, name: nobody }}\n    patch: '[]'\n");
            Assert.Throws<InvalidDataException>(() => Kustomize.Render(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Only_dev_runs_the_emulator_and_points_the_hosts_at_it()
    {
        var dev = Render("dev");
        var prod = Render("prod");
        Assert.Single(OfKind(dev, "Deployment"), d => Kustomize.Name(d) == "zep-emulator");
        Assert.DoesNotContain(prod, o => Kustomize.Name(o).Contains("emulator"));
        foreach (var map in new[] { "pixelated-settings", "pixelated-memory-settings" })
        {
            Assert.Equal("http://zep-emulator:8080/api/v2", Get(dev, "ConfigMap", map)["data"]!["Zep__BaseUrl"]!.GetValue<string>());
            Assert.Equal("https://api.getzep.com/api/v2", Get(prod, "ConfigMap", map)["data"]!["Zep__BaseUrl"]!.GetValue<string>());
        }
        foreach (var o in dev.Concat(prod))
            Assert.DoesNotContain("Zep__Local", o.ToJsonString());
        // Prod's memory service trusts an OIDC issuer; dev signs its own tokens with a key from a Secret.
        Assert.NotNull(Get(prod, "ConfigMap", "pixelated-memory-settings")["data"]!["Memory__Auth__Authority"]);
        Assert.Contains("Memory__Auth__SigningKey", Get(dev, "Deployment", "pixelated-memory").ToJsonString());
        Assert.DoesNotContain("Memory__Auth__SigningKey", Get(prod, "Deployment", "pixelated-memory").ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Secrets_are_referenced_never_committed(string overlay)
    {
        var objects = Render(overlay);
        Assert.DoesNotContain(objects, o => Kustomize.Kind(o) == "Secret");
        foreach (var map in OfKind(objects, "ConfigMap"))
            foreach (var (key, _) in map["data"]!.AsObject())
                Assert.DoesNotMatch("(?i)password|secret|token|key$|connectionstrings|signingkey", key);
        foreach (var deployment in OfKind(objects, "Deployment"))
            foreach (var container in Containers(deployment))
                foreach (var env in container["env"]?.AsArray().Cast<JsonObject>() ?? [])
                {
                    var name = env["name"]!.GetValue<string>();
                    if (Regex.IsMatch(name, "(?i)ZEP_API_KEY|ApiKey|ConnectionStrings|SigningKey|__Key$"))
                        Assert.True(env["valueFrom"]?["secretKeyRef"] is not null, $"{Kustomize.Name(deployment)}: {name} must come from a Secret");
                }
        var pipeline = new[] { "pixelated-worker", "pixelated-api" }.Select(n => Get(objects, "Deployment", n).ToJsonString());
        foreach (var json in pipeline)
        {
            Assert.Contains("\"name\":\"pixelated-zep\"", json);
            Assert.Contains("\"name\":\"pixelated-ledger\"", json);
            Assert.Contains("\"name\":\"pixelated-rabbitmq\"", json);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Probes_ask_for_routes_the_hosts_map_on_the_port_they_listen_on(string overlay)
    {
        foreach (var deployment in OfKind(Render(overlay), "Deployment"))
            foreach (var container in Containers(deployment))
            {
                var project = HostOfImage[BaseImage(container)];
                var sources = Repo.SourcesOf(project);
                var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Where(p => container[p] is not null).ToList();
                if (!sources.Contains("MapHealthChecks(") && project != "Pixelated.ZepEmulator")
                {
                    Assert.Empty(probes); // the worker: no route to probe (see worker.yaml)
                    continue;
                }
                Assert.Contains("livenessProbe", probes);
                Assert.Contains("readinessProbe", probes);
                foreach (var probe in probes)
                {
                    var path = container[probe]!["httpGet"]!["path"]!.GetValue<string>();
                    Assert.Matches($@"Map(HealthChecks|Get)\(""{Regex.Escape(path)}""", sources);
                    Assert.Equal("http", container[probe]!["httpGet"]!["port"]!.GetValue<string>());
                }
                Assert.Equal(8080, container["ports"]![0]!["containerPort"]!.GetValue<long>());
            }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_runs_as_non_root_with_requests_and_limits_and_a_disruption_budget(string overlay)
    {
        var objects = Render(overlay);
        var budgets = OfKind(objects, "PodDisruptionBudget").Select(p => p["spec"]!["selector"]!["matchLabels"]!.ToJsonString()).ToList();
        foreach (var deployment in OfKind(objects, "Deployment"))
        {
            var pod = deployment["spec"]!["template"]!["spec"]!;
            Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
            Assert.Equal(1654, pod["securityContext"]!["runAsUser"]!.GetValue<long>()); // APP_UID of the .NET images
            foreach (var container in Containers(deployment))
                foreach (var part in new[] { "requests", "limits" })
                {
                    Assert.NotNull(container["resources"]?[part]?["cpu"]);
                    Assert.NotNull(container["resources"]?[part]?["memory"]);
                }
            if (Kustomize.Name(deployment) != "zep-emulator")
                Assert.Contains(deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString(), budgets);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Termination_grace_covers_the_host_shutdown_which_covers_MassTransit_stop(string overlay)
    {
        var objects = Render(overlay);
        var stop = Timeouts.MassTransitStopSeconds();
        var shutdown = int.Parse(Get(objects, "ConfigMap", "pixelated-settings")["data"]!["shutdownTimeoutSeconds"]!.GetValue<string>());
        Assert.Equal(shutdown, int.Parse(Get(objects, "ConfigMap", "pixelated-memory-settings")["data"]!["shutdownTimeoutSeconds"]!.GetValue<string>()));
        foreach (var name in new[] { "pixelated-worker", "pixelated-api", "pixelated-memory" })
        {
            var grace = Get(objects, "Deployment", name)["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!.GetValue<long>();
            Assert.True(stop < shutdown && shutdown < grace, $"{name}: MassTransit stop {stop} s < host shutdown {shutdown} s < grace {grace} s");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void KEDA_scales_the_workers_on_the_migrate_user_queue_up_to_what_the_Zep_budget_feeds(string overlay)
    {
        var objects = Render(overlay);
        var scaled = Get(objects, "ScaledObject", "pixelated-worker");
        Assert.Equal("pixelated-worker", scaled["spec"]!["scaleTargetRef"]!["name"]!.GetValue<string>());
        Assert.Null(Get(objects, "Deployment", "pixelated-worker")["spec"]!["replicas"]); // KEDA owns the count
        var trigger = scaled["spec"]!["triggers"]!.AsArray().Single()!;
        Assert.Equal("rabbitmq", trigger["type"]!.GetValue<string>());
        // The queue MassTransit names after MigrateUserConsumer with the kebab-case formatter.
        Assert.Equal("migrate-user", trigger["metadata"]!["queueName"]!.GetValue<string>());
        var components = Repo.SourcesOf("Pixelated.MigrationPipeline.Components");
        Assert.Contains("SetKebabCaseEndpointNameFormatter()", components);
        Assert.Contains("class MigrateUserConsumer", components);
        Assert.Null(trigger["metadata"]!["host"]); // the broker URI (with its password) comes from the TriggerAuthentication
        var auth = Get(objects, "TriggerAuthentication", trigger["authenticationRef"]!["name"]!.GetValue<string>());
        var secretRef = auth["spec"]!["secretTargetRef"]!.AsArray().Single()!;
        Assert.Equal(("host", "pixelated-rabbitmq", "uri"), (secretRef["parameter"]!.GetValue<string>(), secretRef["name"]!.GetValue<string>(), secretRef["key"]!.GetValue<string>()));

        // The maximum: what one shared rate budget feeds (the manifest says why, and that more workers only wait).
        var max = scaled["spec"]!["maxReplicaCount"]!.GetValue<long>();
        Assert.InRange(max, 1, 4);
        Assert.True(scaled["spec"]!["minReplicaCount"]!.GetValue<long>() >= 1, "one worker always runs (ingest, validation, resume)");
        var manifest = Repo.Read("deploy/k8s/base/worker-autoscaling.yaml");
        Assert.Contains("only wait", manifest);
        Assert.Contains("Zep__RequestsPerMinute", manifest);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_API_is_reachable_through_a_Service_and_an_Ingress(string overlay)
    {
        var objects = Render(overlay);
        var service = Get(objects, "Service", "pixelated-api");
        Assert.Equal("pixelated-api", service["spec"]!["selector"]!["app.kubernetes.io/name"]!.GetValue<string>());
        var backend = Get(objects, "Ingress", "pixelated-api")["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!;
        Assert.Equal("pixelated-api", backend["name"]!.GetValue<string>());
        Assert.Equal(service["spec"]!["ports"]![0]!["name"]!.GetValue<string>(), backend["port"]!["name"]!.GetValue<string>());
    }
}
