using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>docker-compose.yml: valid Compose, the whole distributed setup, secrets from the environment, the emulator opt-in.</summary>
public partial class Compose_file
{
    private static readonly JsonObject Compose = (JsonObject)Yaml.LoadOne(Repo.Read("docker-compose.yml"))!;
    private static JsonObject Services => Compose["services"]!.AsObject();

    private static JsonObject EnvOf(string service) => Services[service]!["environment"]!.AsObject();

    private static bool Profiled(string service) => Services[service]!["profiles"] is JsonArray { Count: > 0 };

    [Fact]
    public void It_passes_the_Compose_Specification_schema()
    {
        var errors = SchemaValidator.ValidateCompose(Compose);
        Assert.True(errors.Count == 0, SchemaValidator.Describe(errors));
    }

    [Fact]
    public void The_schema_check_rejects_a_broken_compose_file()
    {
        var broken = (JsonObject)Compose.DeepClone();
        broken["servicez"] = new JsonObject();
        broken["services"]!["worker"]!["volumes"] = "./drop:/drop"; // a list in Compose (strings pass where interpolation may stand)
        broken["services"]!["api"]!["helthcheck"] = new JsonObject();
        var errors = SchemaValidator.ValidateCompose(broken);
        Assert.Contains(errors, e => e.Contains("servicez"));
        Assert.Contains(errors, e => e.Contains("/services/worker/volumes"));
        Assert.Contains(errors, e => e.Contains("helthcheck"));
    }

    [Fact]
    public void It_runs_the_whole_distributed_setup_and_the_emulator_only_by_profile()
    {
        foreach (var s in new[] { "rabbitmq", "postgres", "worker", "api", "memory" })
            Assert.False(Profiled(s), $"{s} starts with a plain docker compose up");
        Assert.Equal(["emulator"], Services["zep-emulator"]!["profiles"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["cli"], Services["cli"]!["profiles"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(2, Services["worker"]!["deploy"]!["replicas"]!.GetValue<long>());
        foreach (var (name, service) in Services)
        {
            if (service!["build"]?["dockerfile"]?.GetValue<string>() is { } dockerfile) Assert.True(File.Exists(Repo.PathOf(dockerfile)), $"{name}: {dockerfile}");
            // A service that always starts never waits for one that only starts by profile.
            foreach (var (dependency, _) in service["depends_on"]?.AsObject() ?? [])
            {
                Assert.True(Services.ContainsKey(dependency), $"{name} depends on {dependency}, which is not a service");
                if (!Profiled(name)) Assert.False(Profiled(dependency), $"{name} depends on {dependency}, which starts only by profile");
            }
        }
        // The API and the workers see the same drop folder (messages carry file paths).
        Assert.Contains("./drop:/drop", Services["api"]!["volumes"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("./drop:/drop", Services["worker"]!["volumes"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("api")]
    [InlineData("memory")]
    [InlineData("cli")]
    public void The_hosts_write_to_the_Zep_the_key_opens_never_to_the_emulator_by_default(string service)
    {
        var env = EnvOf(service);
        Assert.Equal("${ZEP_API_KEY:?set ZEP_API_KEY}", env["ZEP_API_KEY"]!.GetValue<string>());
        var baseUrl = env["Zep__BaseUrl"]!.GetValue<string>();
        Assert.Equal("${ZEP_BASE_URL:-https://api.getzep.com/api/v2}", baseUrl);
        Assert.DoesNotContain("emulator", baseUrl);
        Assert.False(env.ContainsKey("Zep__Local"), "Zep:Local starts an in-process emulator");
    }

    [Fact]
    public void Every_secret_comes_from_the_environment_and_none_is_committed()
    {
        foreach (var (name, service) in Services)
            foreach (var (key, value) in service!["environment"]?.AsObject() ?? [])
            {
                var text = value?.ToString() ?? "";
                if (SecretName().IsMatch(key))
                    Assert.True(text.Length == 0 || text.Contains("${"), $"{name}: {key} has a literal value");
                // Passwords inside connection strings and broker URIs are variables too.
                foreach (Match m in ConnectionPassword().Matches(text))
                    Assert.StartsWith("${", m.Groups[1].Value);
                if (text.Contains("amqp://")) Assert.Matches(@"^amqp://[^@]*:\$\{[^}]+\}@", text);
            }
        // Required secrets fail the start instead of defaulting.
        var all = Repo.Read("docker-compose.yml");
        foreach (var variable in new[] { "RABBITMQ_PASSWORD", "POSTGRES_PASSWORD", "ZEP_API_KEY", "API_OPERATOR_KEY" })
        {
            Assert.Contains($"${{{variable}:?", all);
            Assert.DoesNotContain($"${{{variable}:-", all);
        }
    }

    [Fact]
    public void Stopping_gives_MassTransit_and_the_host_their_whole_shutdown()
    {
        var stop = Timeouts.MassTransitStopSeconds();
        foreach (var service in new[] { "worker", "api", "memory" })
        {
            var shutdown = int.Parse(EnvOf(service)["shutdownTimeoutSeconds"]!.GetValue<string>());
            var grace = int.Parse(Services[service]!["stop_grace_period"]!.GetValue<string>().TrimEnd('s'));
            Assert.True(stop < shutdown && shutdown < grace, $"{service}: MassTransit {stop} s < host {shutdown} s < stop_grace_period {grace} s");
        }
    }

    [GeneratedRegex("(?i)(password|pass$|secret|token|api_?key|signingkey|__key$)")]
    private static partial Regex SecretName();

    [GeneratedRegex("(?i)password=([^;]*)")]
    private static partial Regex ConnectionPassword();
}

/// <summary>The stop timeouts as the code sets them.</summary>
internal static partial class Timeouts
{
    /// <summary>MassTransitHostOptions.StopTimeout in PipelineServiceCollectionExtensions.</summary>
    public static int MassTransitStopSeconds()
    {
        var source = Repo.Read("src/Pixelated.MigrationPipeline.Components/Hosting/PipelineServiceCollectionExtensions.cs");
        var m = StopTimeout().Match(source);
        Assert.True(m.Success, "MassTransit's StopTimeout is no longer set in PipelineServiceCollectionExtensions: update the Deploy tests");
        return int.Parse(m.Groups[1].Value);
    }

    [GeneratedRegex(@"StopTimeout\s*=\s*TimeSpan\.FromSeconds\((\d+)\)")]
    private static partial Regex StopTimeout();
}
