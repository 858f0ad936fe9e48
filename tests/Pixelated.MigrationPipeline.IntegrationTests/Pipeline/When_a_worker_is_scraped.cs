using Pixelated.MigrationPipeline.TestInfrastructure;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// The worker's Prometheus endpoint: OpenTelemetry's HttpListener on <c>Telemetry:PrometheusPort</c> serves the pipeline's
/// metrics; a port out of range stops the worker at start with one line naming the setting.
/// </summary>
public sealed class When_a_worker_is_scraped : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pixelated-worker-metrics-").FullName;

    private Dictionary<string, string?> Settings() => new()
    {
        ["Zep__Local"] = "true",
        ["Emulator__StateFile"] = Path.Combine(_root, "zep-state.json"),
        ["Pipeline__Bus"] = "inmemory",
        ["Pipeline__DropFolder"] = Path.Combine(_root, "drop"),
        ["Ledger__Provider"] = "sqlite",
        ["ConnectionStrings__Ledger"] = $"Data Source={Path.Combine(_root, "ledger.db")}",
        ["Telemetry__GaugeIntervalSeconds"] = "1",
    };

    [Fact]
    public async Task Its_listener_serves_the_pipelines_metrics_on_the_configured_port()
    {
        await using var worker = new WorkerProcess("metrics", Settings());
        worker.Start();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? text = null;
        while (text is null || !text.Contains("pixelated_migration_users_in_flight", StringComparison.Ordinal))
        {
            Assert.True(worker.IsRunning, $"the worker stopped: {worker.Tail}");
            Assert.True(DateTime.UtcNow < deadline, $"no metrics at port {worker.MetricsPort} in 60 s: {text ?? worker.Tail}");
            try { text = await http.GetStringAsync($"http://localhost:{worker.MetricsPort}/metrics"); }
            catch (HttpRequestException) { await Task.Delay(200); }
        }
        Assert.Contains("# TYPE pixelated_zep_circuit_open gauge", text);
        Assert.Contains("status=\"migrating\"", text);
    }

    [Fact]
    public async Task A_port_out_of_range_stops_it_at_start_naming_the_setting()
    {
        var settings = Settings();
        settings["Telemetry__PrometheusPort"] = "70000";
        await using var worker = new WorkerProcess("bad-port", settings);
        worker.Start();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (worker.IsRunning)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still running after 60 s: {worker.Tail}");
            await Task.Delay(100);
        }
        Assert.Contains("PrometheusPort", worker.Tail);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
