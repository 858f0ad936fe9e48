using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Api.Tests;

/// <summary>
/// A run's lease: an unfinished run whose lease expired (no live process hosts it) is <c>interrupted</c> in the run, its
/// report, the runs list and <c>v_migration_runs</c>; a live or finished run shows its real status. With
/// <c>Pipeline:ResumeOnStart</c> the host resumes such a run by itself. Each test has an API (and ledger) of its own.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Seeing_interrupted_runs(ApiHost api)
{
    [Fact]
    public async Task An_unfinished_run_whose_lease_expired_is_interrupted_everywhere_and_a_live_one_is_not()
    {
        await using var host = await OwnApi.StartAsync(api, resumeOnStart: false);
        var now = DateTimeOffset.UtcNow;
        var expired = await host.AddRunAsync(RunStatus.Migrating, now.AddSeconds(-5).ToUnixTimeMilliseconds());
        var live = await host.AddRunAsync(RunStatus.Migrating, now.AddMinutes(10).ToUnixTimeMilliseconds());
        var finished = await host.AddRunAsync(RunStatus.Completed, now.AddSeconds(-5).ToUnixTimeMilliseconds());
        var legacy = await host.AddRunAsync(RunStatus.Ingesting, null); // recorded before leases: never interrupted

        var expected = new Dictionary<Guid, string>
        {
            [expired] = "interrupted", [live] = "migrating", [finished] = "completed", [legacy] = "ingesting",
        };
        var list = await (await host.Client.GetAsync("api/v1/migrations?take=500")).JsonAsync();
        var listed = list.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("runId").GetGuid(), r => r.GetProperty("status").GetString());
        var views = await host.ViewStatusesAsync();
        foreach (var (runId, status) in expected)
        {
            Assert.Equal(status, (await (await host.Client.GetAsync($"api/v1/migrations/{runId}")).JsonAsync()).GetProperty("status").GetString());
            Assert.Equal(status, (await (await host.Client.GetAsync($"api/v1/migrations/{runId}/report")).JsonAsync()).GetProperty("status").GetString());
            Assert.Equal(status, listed[runId]);
            Assert.Equal(status, views[runId]);
        }
        // The ledger keeps the stored status: interrupted is derived, and gone once a process renews the lease.
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        Assert.Equal(RunStatus.Migrating, (await db.Runs.FindAsync(expired))!.Status);
    }

    [Fact]
    public async Task On_start_the_one_process_api_resumes_its_interrupted_run_and_completes_it()
    {
        var prefix = Exports.Prefix();
        var drop = Directory.CreateDirectory(Path.Combine(api.Root, prefix + "-drop")).FullName;
        var file = Path.Combine(drop, prefix + ".json");
        await File.WriteAllTextAsync(file, Exports.Platform(prefix, users: 3, memories: 2));
        var ledger = Path.Combine(api.Root, prefix + "-ledger.db");
        Guid runId;
        // A process recorded the run and died before it was staged (nothing on the in-memory bus survives it).
        await using (var dead = await OwnApi.StartAsync(api, resumeOnStart: false, ledger, drop))
            runId = await dead.AddRunAsync(RunStatus.Created, DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds(), [file], ingested: false);

        await using var restarted = await OwnApi.StartAsync(api, resumeOnStart: true, ledger, drop);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement run;
        while ((run = await (await restarted.Client.GetAsync($"api/v1/migrations/{runId}/report")).JsonAsync()).GetProperty("finishedAt").ValueKind == JsonValueKind.Null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the interrupted run was not resumed: {run}");
            await Task.Delay(100);
        }
        Assert.True(run.GetProperty("status").GetString() == "completed", run.ToString());
        Assert.Equal(3, run.GetProperty("users").GetProperty("verified").GetInt32());
        Assert.Equal(6, run.GetProperty("items").GetProperty("migrated").GetInt32());
    }

    /// <summary>An API of the test's own, on the shared emulator, with its own SQLite ledger.</summary>
    private sealed class OwnApi : IAsyncDisposable
    {
        public required WebApplication App { get; init; }
        public required HttpClient Client { get; init; }
        public required string Ledger { get; init; }

        public static async Task<OwnApi> StartAsync(ApiHost api, bool resumeOnStart, string? ledger = null, string? drop = null)
        {
            ledger ??= Path.Combine(api.Root, "lease-" + Guid.NewGuid().ToString("N")[..8] + ".db");
            var settings = ApiHost.Settings(api.Root, api.Emulator);
            settings["ConnectionStrings:Ledger"] = $"Data Source={ledger}";
            settings["Pipeline:DropFolder"] = drop ?? Directory.CreateDirectory(Path.Combine(api.Root, "drop-" + Guid.NewGuid().ToString("N")[..8])).FullName;
            settings["Pipeline:RunLeaseSeconds"] = "2";
            settings["Pipeline:ResumeOnStart"] = resumeOnStart ? "true" : "false";
            var app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiHost.ViewerKey);
            return new OwnApi { App = app, Client = client, Ledger = ledger };
        }

        /// <summary>Records a run as a process would have left it (not hosted by this one).</summary>
        public async Task<Guid> AddRunAsync(RunStatus status, long? leaseExpiresAtMs, string[]? files = null, bool ingested = true)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            var run = new MigrationRun
            {
                Id = Guid.NewGuid(), Status = status, CreatedAt = DateTimeOffset.UtcNow, MaxUsersInFlight = 4, StartedVia = "api",
                SourceFiles = JsonSerializer.Serialize(files ?? []), IngestedAt = ingested ? DateTimeOffset.UtcNow : null,
                FinishedAt = status == RunStatus.Completed ? DateTimeOffset.UtcNow : null, LeaseExpiresAtMs = leaseExpiresAtMs,
            };
            db.Runs.Add(run);
            await db.SaveChangesAsync();
            return run.Id;
        }

        public async Task<Dictionary<Guid, string>> ViewStatusesAsync()
        {
            await using var connection = new SqliteConnection($"Data Source={Ledger}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT run_id, status FROM v_migration_runs";
            await using var reader = await command.ExecuteReaderAsync();
            var statuses = new Dictionary<Guid, string>();
            while (await reader.ReadAsync()) statuses[Guid.Parse(reader.GetString(0))] = reader.GetString(1);
            return statuses;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
