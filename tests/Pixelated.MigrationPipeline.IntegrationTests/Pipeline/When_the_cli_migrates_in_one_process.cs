using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>The embedded mode through the real executable: in-memory bus, SQLite ledger file, ZepEmulator.</summary>
public sealed class When_the_cli_migrates_in_one_process(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Fixtures =
        ["platform-v3-page1.json", "platform-v3-clinic-page.json", "oss-python-get-all.json", "oss-python-get-all-graph.json", "platform-history.json"];

    private readonly CliProcess _cli = new();
    private static readonly Dictionary<string, string?> NoZepKey = new() { ["ZEP_API_KEY"] = null };

    private static string[] Paths => Fixtures.Select(ExpectedExport.FixturePath).ToArray();

    [Fact]
    public async Task Without_a_zep_key_it_starts_its_own_emulator_and_every_user_is_verified()
    {
        var result = await _cli.RunAsync(NoZepKey, ["migrate", .. Paths, "--json"]);

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        var json = result.Json;
        Assert.Equal("completed", json.GetProperty("status").GetString());
        var users = json.GetProperty("users");
        Assert.Equal(ExpectedExport.Load(Fixtures).Users.Count(), users.GetProperty("total").GetInt32());
        Assert.Equal(users.GetProperty("total").GetInt32(), users.GetProperty("verified").GetInt32());
        var items = json.GetProperty("items");
        Assert.Equal(items.GetProperty("total").GetInt32(), items.GetProperty("migrated").GetInt32() + items.GetProperty("skipped").GetInt32());
        Assert.Equal(0, items.GetProperty("failed").GetInt32());
        Assert.True(json.GetProperty("zepRequests").GetInt64() > 0);
        Assert.True(Guid.TryParse(json.GetProperty("runId").GetString(), out _));
        Assert.True(File.Exists(Path.Combine(_cli.WorkingDirectory, "pixelated-migration.db")), "the default SQLite ledger is in the working directory");
        var state = Path.Combine(_cli.WorkingDirectory, "pixelated-zep-emulator.json");
        var notice = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("Zep: writing to a local emulator", StringComparison.Ordinal));
        Assert.Equal($"Zep: writing to a local emulator (no ZEP_API_KEY), not to Zep Cloud; its data is kept in {state}", notice.TrimEnd());
        Assert.DoesNotContain("local-emulator-key", result.Output + result.Error); // the emulator's key is never printed
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state)); // clinical data in clear text: owner only
    }

    [Fact]
    public async Task Against_a_given_zep_every_item_lands_once_and_a_rerun_writes_nothing()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "test-key-not-secret" });
        var environment = new Dictionary<string, string?> { ["ZEP_API_KEY"] = "test-key-not-secret", ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri };

        var first = await _cli.RunAsync(environment, ["migrate", .. Paths, "--json"]);
        var afterFirst = zep.Store.GetStats();
        var second = await _cli.RunAsync(environment, ["migrate", .. Paths, "--json"]);
        var afterSecond = zep.Store.GetStats();

        output.WriteLine(first.Output + first.Error + second.Output + second.Error);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("local emulator", first.Error);
        var expected = ExpectedExport.Load(Fixtures);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, expected);
        ZepAssertions.EveryMessageIsInZepExactlyOnce(zep.Store, expected);
        Assert.Equal((afterFirst.Users, afterFirst.Threads, afterFirst.Messages, afterFirst.Episodes),
            (afterSecond.Users, afterSecond.Threads, afterSecond.Messages, afterSecond.Episodes));
        Assert.Equal(afterFirst.Requests.GetValueOrDefault("202"), afterSecond.Requests.GetValueOrDefault("202"));
        Assert.Equal(afterFirst.Requests.GetValueOrDefault("201"), afterSecond.Requests.GetValueOrDefault("201"));
    }

    [Fact]
    public async Task The_report_command_prints_a_finished_run_from_the_ledger()
    {
        var migrate = await _cli.RunAsync(NoZepKey, ["migrate", .. Paths, "--json"]);
        var runId = migrate.Json.GetProperty("runId").GetString()!;

        var json = await _cli.RunAsync(NoZepKey, "report", "--run", runId, "--format", "json");
        var table = await _cli.RunAsync(NoZepKey, "report", "--run", runId);

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(runId, json.Json.GetProperty("runId").GetString());
        Assert.Equal(migrate.Json.GetProperty("items").GetProperty("migrated").GetInt32(), json.Json.GetProperty("items").GetProperty("migrated").GetInt32());
        Assert.Contains(json.Json.GetProperty("problems").EnumerateArray(), p => p.GetProperty("reason").GetString()!.Contains("expired"));
        Assert.Equal(0, table.ExitCode);
        Assert.DoesNotContain("Verified", table.Output); // statuses by their wire names, as in --json
        Assert.Contains("verified", table.Output.Replace("verified / migrated", "", StringComparison.Ordinal));
        Assert.Contains(runId, table.Output);
    }

    [Fact]
    public async Task A_dry_run_writes_nothing_to_zep()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "test-key-not-secret" });
        var environment = new Dictionary<string, string?> { ["ZEP_API_KEY"] = "test-key-not-secret", ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri };

        var result = await _cli.RunAsync(environment, ["migrate", .. Paths, "--dry-run", "--json"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("dry_run_completed", result.Json.GetProperty("status").GetString());
        Assert.Equal(0, result.Json.GetProperty("zepRequests").GetInt64());
        var stats = zep.Store.GetStats();
        Assert.Equal((0, 0, 0, 0), (stats.Users, stats.Threads, stats.Messages, stats.Episodes));
    }

    [Fact]
    public async Task A_missing_file_means_it_could_not_run_and_says_which()
    {
        var result = await _cli.RunAsync(NoZepKey, "migrate", Path.Combine(_cli.WorkingDirectory, "no-such-export.json"), "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-export.json", result.Error);
    }

    [Fact]
    public async Task A_run_with_unreadable_records_finishes_with_errors_and_exit_code_3()
    {
        var bad = Path.Combine(_cli.WorkingDirectory, "bad-page.json");
        File.WriteAllText(bad, """{"count":2,"next":null,"previous":null,"results":[{"id":"m-ok","memory":"Fine.","user_id":"u-1","created_at":"2026-01-01T00:00:00Z","structured_attributes":null},{"id":"m-bad","memory":"No owner.","created_at":"2026-01-01T00:00:00Z","structured_attributes":null}]}""");

        var result = await _cli.RunAsync(NoZepKey, "migrate", bad, "--json");

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("completed_with_errors", result.Json.GetProperty("status").GetString());
        Assert.Equal(1, result.Json.GetProperty("items").GetProperty("migrated").GetInt32());
        Assert.Equal(1, result.Json.GetProperty("items").GetProperty("failed").GetInt32());
        Assert.DoesNotContain("No owner.", result.Output + result.Error);
    }

    [Fact]
    public async Task Running_the_embedded_migration_twice_in_one_folder_verifies_both_times_and_writes_once()
    {
        // The local emulator keeps its data in the folder's state file, beside the ledger: the second run finds everything
        // confirmed and present, writes nothing, and validation sees no duplicate.
        var first = await _cli.RunAsync(NoZepKey, ["migrate", .. Paths, "--json"]);
        var state = Path.Combine(_cli.WorkingDirectory, "pixelated-zep-emulator.json");
        Assert.True(File.Exists(state));
        var afterFirst = await File.ReadAllTextAsync(state);
        var second = await _cli.RunAsync(NoZepKey, ["migrate", .. Paths, "--json"]);

        output.WriteLine(second.Output + second.Error);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("completed", second.Json.GetProperty("status").GetString());
        Assert.Equal(afterFirst, await File.ReadAllTextAsync(state)); // the second run wrote nothing: it only read Zep back
        Assert.True(second.Json.GetProperty("zepRequests").GetInt64() < first.Json.GetProperty("zepRequests").GetInt64(),
            "the second run only reads Zep back");
    }

    [Fact]
    public async Task Without_a_state_file_each_embedded_run_starts_an_empty_emulator_and_still_verifies()
    {
        // What the ledger confirmed for a previous, vanished emulator must not be taken as present in a new one.
        var memoryOnly = new Dictionary<string, string?>(NoZepKey) { ["Emulator__StateFile"] = "" };
        var first = await _cli.RunAsync(memoryOnly, ["migrate", .. Paths, "--json"]);
        var second = await _cli.RunAsync(memoryOnly, ["migrate", .. Paths, "--json"]);

        output.WriteLine(second.Output + second.Error);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("completed", second.Json.GetProperty("status").GetString());
        Assert.Contains("Zep: writing to a local emulator (no ZEP_API_KEY), not to Zep Cloud; its data is in memory only, gone when the process ends",
            second.Error);
        Assert.Empty(Directory.GetFiles(_cli.WorkingDirectory, "*.json"));
    }

    [Fact]
    public async Task Data_lost_from_zep_is_reported_missing_and_the_next_run_writes_back_only_what_is_missing()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "test-key-not-secret" });
        var environment = new Dictionary<string, string?> { ["ZEP_API_KEY"] = "test-key-not-secret", ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri };
        var clinic = ExpectedExport.FixturePath("platform-v3-clinic-page.json");

        var first = await _cli.RunAsync(environment, "migrate", clinic, "--json");
        var before = zep.Store.GetStats();
        zep.Store.DeleteUser("patient-1002");
        var afterLoss = zep.Store.GetStats();
        var second = await _cli.RunAsync(environment, "migrate", clinic, "--json");
        var third = await _cli.RunAsync(environment, "migrate", clinic, "--json");

        output.WriteLine(second.Output + third.Output + third.Error);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(3, second.ExitCode);
        Assert.Equal("completed_with_errors", second.Json.GetProperty("status").GetString());
        Assert.Equal(1, second.Json.GetProperty("users").GetProperty("mismatched").GetInt32());
        Assert.Equal(0, third.ExitCode);
        Assert.Equal((before.Users, before.Episodes), (zep.Store.GetStats().Users, zep.Store.GetStats().Episodes));
        Assert.True(afterLoss.Episodes < before.Episodes);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, ExpectedExport.Load("platform-v3-clinic-page.json"));
    }

    public void Dispose() => _cli.Dispose();
}
