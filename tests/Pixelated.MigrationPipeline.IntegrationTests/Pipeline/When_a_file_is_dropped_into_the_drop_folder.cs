using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>The worker's drop folder: the same registration as the worker host, in-memory bus and a SQLite ledger in a temp dir.</summary>
public sealed class When_a_file_is_dropped_into_the_drop_folder : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("pixelated-drop-").FullName;
    private ZepEmulatorHost _zep = null!;
    private IHost _worker = null!;

    private string Drop => Path.Combine(_root, "drop");

    public async Task InitializeAsync()
    {
        _zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Bus"] = "inmemory",
            ["Pipeline:DropFolder"] = Drop,
            ["Ledger:Provider"] = "sqlite",
            ["ConnectionStrings:Ledger"] = $"Data Source={Path.Combine(_root, "ledger.db")}",
            ["Zep:BaseUrl"] = _zep.ApiBaseUrl.AbsoluteUri,
            ["ZEP_API_KEY"] = _zep.Options.ApiKey,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMigrationPipeline(builder.Configuration);
        builder.Services.AddHostedService<DropFolderWatcher>();
        _worker = builder.Build();
        await _worker.StartAsync();
    }

    [Fact]
    public async Task A_good_export_is_migrated_and_moved_to_done()
    {
        var expected = ExpectedExport.Load("platform-v3-clinic-page.json");
        await WaitForAsync(() => Directory.Exists(Drop));
        File.Copy(ExpectedExport.FixturePath("platform-v3-clinic-page.json"), Path.Combine(Drop, "clinic.json"));

        await WaitForAsync(() => Directory.EnumerateFiles(Path.Combine(Drop, "done")).Any());

        Assert.Empty(Directory.EnumerateFiles(Drop));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Drop, "processing")));
        Assert.EndsWith("clinic.json", Assert.Single(Directory.EnumerateFiles(Path.Combine(Drop, "done"))));
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(_zep.Store, expected);
    }

    [Fact]
    public async Task An_export_with_bad_records_is_moved_to_failed_after_its_good_records_migrate()
    {
        await WaitForAsync(() => Directory.Exists(Drop));
        File.WriteAllText(Path.Combine(Drop, "half-bad.json"),
            """{"results":[{"id":"m1","memory":"Likes tea.","hash":"x","metadata":null,"created_at":"2026-01-01T00:00:00+00:00","updated_at":null,"user_id":"u-7"},{"id":"m2","memory":"No user.","hash":"y","metadata":null,"created_at":"2026-01-01T00:00:00+00:00","updated_at":null}]}""");

        await WaitForAsync(() => Directory.EnumerateFiles(Path.Combine(Drop, "failed")).Any());

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Drop, "done")));
        Assert.Single(_zep.Store.GetEpisodes("u-7"));
    }

    [Fact]
    public async Task A_symbolic_link_leading_out_of_the_drop_folder_is_refused_unread_and_moved_to_failed()
    {
        await WaitForAsync(() => Directory.Exists(Drop));
        var outside = Path.Combine(_root, "outside.json");
        File.WriteAllText(outside,
            """{"results":[{"id":"m1","memory":"Outside.","hash":"x","metadata":null,"created_at":"2026-01-01T00:00:00+00:00","updated_at":null,"user_id":"u-outside"}]}""");
        File.CreateSymbolicLink(Path.Combine(Drop, "linked.json"), outside);

        await WaitForAsync(() => Directory.EnumerateFileSystemEntries(Path.Combine(Drop, "failed")).Any());

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Drop, "done")));
        Assert.Empty(_zep.Store.GetEpisodes("u-outside"));
    }

    [Fact]
    public async Task A_users_csv_beside_the_export_maps_its_users_and_is_not_read_as_an_export()
    {
        await WaitForAsync(() => Directory.Exists(Drop));
        File.WriteAllText(Path.Combine(Drop, "users.csv"), "mem0_user_id,zep_user_id,role\nu-map,zep-mapped,therapist\n");
        File.WriteAllText(Path.Combine(Drop, "clinic.json"),
            """{"results":[{"id":"m1","memory":"Likes tea.","hash":"x","metadata":null,"created_at":"2026-01-01T00:00:00+00:00","updated_at":null,"user_id":"u-map"},{"id":"m2","memory":"Likes coffee.","hash":"y","metadata":null,"created_at":"2026-01-01T00:00:00+00:00","updated_at":null,"user_id":"u-plain"}]}""");

        await WaitForAsync(() => Directory.EnumerateFiles(Path.Combine(Drop, "done")).Count() == 2);

        await using var scope = _worker.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var run = Assert.Single(db.Runs.AsNoTracking().ToList());
        var report = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(run.Id, CancellationToken.None);
        Assert.Equal(2, report!.Users.Total);
        var mapped = Assert.Single(report.UserLines, u => u.User == "u-map");
        Assert.Equal("zep-mapped", mapped.ZepUserId);
        Assert.Equal("therapist", mapped.Role);
        Assert.Equal("u-plain", Assert.Single(report.UserLines, u => u.User == "u-plain").ZepUserId);
        Assert.Single(_zep.Store.GetEpisodes("zep-mapped"));
        Assert.False(_zep.Store.UserExists("u-map"));
        Assert.True(File.Exists(Path.Combine(Drop, "users.csv")), "the users file stays for the next export");
        var done = Directory.EnumerateFiles(Path.Combine(Drop, "done")).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(done, f => f.EndsWith("-clinic.json", StringComparison.Ordinal));
        Assert.Contains(done, f => f.EndsWith("-users.csv", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Drop, "failed")));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the drop folder did not reach the expected state within 60 s");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await _zep.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
