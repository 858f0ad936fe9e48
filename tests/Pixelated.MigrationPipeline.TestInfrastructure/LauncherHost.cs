using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Contracts;
using Pixelated.MigrationPipeline.Ledger;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>
/// The test's trigger for a distributed run: it applies the ledger migrations, records runs and publishes to RabbitMQ,
/// but consumes nothing, so every message is handled by the worker processes under test.
/// </summary>
public sealed class LauncherHost : IAsyncDisposable
{
    private readonly IHost _host;

    private LauncherHost(IHost host) => _host = host;

    /// <param name="clusterNodes">the nodes of a RabbitMQ cluster (<c>host:port</c>), as the workers' <c>RabbitMq:ClusterNodes</c>;
    /// null: the URI's one host.</param>
    public static async Task<LauncherHost> StartAsync(string rabbitMqUri, string ledger, IReadOnlyList<string>? clusterNodes = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:Provider"] = "postgres",
            ["ConnectionStrings:Ledger"] = ledger,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLedger(builder.Configuration);
        builder.Services.AddScoped<RunLauncher>();
        builder.Services.AddScoped<RunReportQuery>();
        builder.Services.AddMassTransit(x => x.UsingRabbitMq((_, cfg) => cfg.Host(new Uri(rabbitMqUri), h =>
        {
            if (clusterNodes is { Count: > 0 }) h.UseCluster(c => { foreach (var node in clusterNodes) c.Node(node); });
        })));
        var host = builder.Build();
        await host.StartAsync();
        return new LauncherHost(host);
    }

    public async Task<Guid> StartRunAsync(IReadOnlyList<string> files, bool dryRun = false)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunLauncher>().StartAsync(files, dryRun, CancellationToken.None);
    }

    /// <summary>
    /// Records a run as <see cref="RunLauncher"/> does, with a lease of <paramref name="leaseSeconds"/>, and publishes nothing:
    /// a launcher that died between recording the run and sending its <c>IngestExport</c>.
    /// </summary>
    public async Task<Guid> RecordRunWithoutPublishingAsync(IReadOnlyList<string> files, int leaseSeconds)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var run = new Ledger.Entities.MigrationRun
        {
            Id = NewId.NextGuid(), Status = Ledger.Entities.RunStatus.Created, CreatedAt = DateTimeOffset.UtcNow, MaxUsersInFlight = 64,
            SourceFiles = System.Text.Json.JsonSerializer.Serialize(files.Select(Path.GetFullPath)),
            LeaseExpiresAtMs = RunLease.Until(DateTimeOffset.UtcNow, leaseSeconds),
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    public async Task PublishAsync<T>(T message) where T : class
    {
        await using var scope = _host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(message);
    }

    public async Task<RunReport?> ReportAsync(Guid runId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, CancellationToken.None);
    }

    /// <summary>Polls whether the run finished (its row, as the CLI does) and returns its full report once it has.</summary>
    public async Task<RunReport> WaitForFinishAsync(Guid runId, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            bool? finished = null;
            try
            {
                await using var scope = _host.Services.CreateAsyncScope();
                finished = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().IsFinishedAsync(runId, CancellationToken.None);
            }
            catch (Npgsql.NpgsqlException) { } // the ledger may be restarting under a fault test
            if (finished == true && await ReportAsync(runId) is { IsFinished: true } report) return report;
            if (DateTime.UtcNow > deadline)
            {
                RunReport? last = null;
                try { last = await ReportAsync(runId); }
                catch (Npgsql.NpgsqlException) { } // still restarting: the timeout says so without the figures
                throw new TimeoutException($"run {runId} did not finish within {timeout}: {last?.Status} users {last?.Users} items {last?.Items}\n{diagnostics?.Invoke()}");
            }
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
