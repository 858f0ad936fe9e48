using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>A real pipeline host (the same registration as the worker) for a test: RabbitMQ or in-memory bus, PostgreSQL or SQLite ledger.</summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private PipelineHost(IHost host) => _host = host;

    public static async Task<PipelineHost> StartAsync(ZepEmulatorHost zep, IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zep:BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
            ["ZEP_API_KEY"] = zep.Options.ApiKey,
            ["Zep:RequestTimeoutSeconds"] = "10",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMigrationPipeline(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new PipelineHost(host);
    }

    public static Dictionary<string, string?> Distributed(string rabbitMqUri, string postgres, string writeMode = "auto") => new()
    {
        ["Zep:WriteMode"] = writeMode,
        ["Pipeline:Bus"] = "rabbitmq",
        ["ConnectionStrings:RabbitMq"] = rabbitMqUri,
        ["Ledger:Provider"] = "postgres",
        ["ConnectionStrings:Ledger"] = postgres,
    };

    public async Task<RunReport> MigrateAsync(IReadOnlyList<string> files, TimeSpan timeout, bool dryRun = false)
    {
        Guid runId;
        await using (var scope = _host.Services.CreateAsyncScope())
            runId = await scope.ServiceProvider.GetRequiredService<RunLauncher>().StartAsync(files, dryRun, CancellationToken.None);

        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            await using var scope = _host.Services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, CancellationToken.None);
            if (report?.IsFinished == true) return report;
            if (cts.IsCancellationRequested) throw new TimeoutException($"run {runId} did not finish within {timeout}; last status {report?.Status}");
            await Task.Delay(100);
        }
    }

    /// <summary>Starts a run without waiting for it.</summary>
    public async Task<Guid> StartRunAsync(RunRequest request)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunLauncher>().StartAsync(request, CancellationToken.None);
    }

    /// <summary>Calls the operators' control service, as the API and the CLI do.</summary>
    public async Task<ControlResult> ControlAsync(Func<RunControlService, Task<ControlResult>> action)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<RunControlService>());
    }

    /// <summary>Runs <paramref name="work"/> in a scope of the host's services (the ledger, the purge service...).</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public async Task<RunReport> ReportAsync(Guid runId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, CancellationToken.None)
               ?? throw new InvalidOperationException($"run {runId} is not in the ledger");
    }

    /// <summary>The run's progress as the CLI polls it (<see cref="RunReportQuery.ProgressAsync"/>).</summary>
    public async Task<RunProgressSnapshot> ProgressAsync(Guid runId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunReportQuery>().ProgressAsync(runId, CancellationToken.None)
               ?? throw new InvalidOperationException($"run {runId} is not in the ledger");
    }

    /// <summary>Whether the run finished, as the CLI and the launchers poll it (<see cref="RunReportQuery.IsFinishedAsync"/>).</summary>
    public async Task<bool?> IsFinishedAsync(Guid runId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunReportQuery>().IsFinishedAsync(runId, CancellationToken.None);
    }

    /// <summary>Polls the run's report until <paramref name="condition"/> holds.</summary>
    public async Task<RunReport> WaitForAsync(Guid runId, Func<RunReport, bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var report = await ReportAsync(runId);
            if (condition(report)) return report;
            if (cts.IsCancellationRequested)
                throw new TimeoutException($"run {runId}: {what} did not happen within {timeout}; status {report.Status}, users {report.Users}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
