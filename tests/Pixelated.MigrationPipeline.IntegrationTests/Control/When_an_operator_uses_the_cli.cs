using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Control;

/// <summary>
/// The CLI's run control through the real executable on the embedded setup (in-memory bus, SQLite ledger file), against an
/// emulator the test owns (ZEP_API_KEY set), so that Zep outlives the processes the test kills.
/// </summary>
public sealed class When_an_operator_uses_the_cli(ITestOutputHelper output) : IDisposable
{
    private const string Key = "test-key-not-secret";
    private readonly string _folder = Directory.CreateTempSubdirectory("pixelated-cli-control-").FullName;

    private static Dictionary<string, string?> EnvironmentFor(ZepEmulatorHost zep) =>
        new() { ["ZEP_API_KEY"] = Key, ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri };

    [Fact]
    public async Task A_run_killed_mid_way_resumes_and_ends_with_the_report_of_an_uninterrupted_run()
    {
        var files = SyntheticClinicExport.Write(_folder, users: 6, memoriesPerUser: 4, messagesPerUser: 6);

        await using var referenceZep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = Key });
        using var referenceCli = new CliProcess();
        var reference = await referenceCli.RunAsync(EnvironmentFor(referenceZep), ["migrate", _folder, "--json"]);
        Assert.Equal(0, reference.ExitCode);
        var referenceReport = await ReportAsync(referenceCli, referenceZep, reference.Json.GetProperty("runId").GetString()!);

        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = Key, LatencyMs = 30 });
        using var cli = new CliProcess();
        using (var migrating = cli.Start(EnvironmentFor(zep), ["migrate", _folder, "--json", "--max-users-in-flight", "1"]))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (zep.Store.GetStats().Users < 2 && !migrating.HasExited && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.False(migrating.HasExited, "the run ended before the test could interrupt it");
            migrating.Kill(entireProcessTree: true); // SIGKILL: no graceful stop, in-memory messages lost
            await migrating.WaitForExitAsync();
        }
        var runs = await cli.RunAsync(EnvironmentFor(zep), ["runs", "--json"]);
        var run = Assert.Single(runs.Json.EnumerateArray());
        var runId = run.GetProperty("runId").GetString()!;
        output.WriteLine($"killed with {zep.Store.GetStats().Users} users in Zep; run status {run.GetProperty("status")}");
        Assert.Equal(JsonValueKind.Null, run.GetProperty("finishedAt").ValueKind);

        var resumed = await cli.RunAsync(EnvironmentFor(zep), ["resume", "--run", runId, "--json"]);
        output.WriteLine(resumed.Output + resumed.Error);
        Assert.Equal(0, resumed.ExitCode);

        var report = await ReportAsync(cli, zep, runId);
        Assert.Equal(Comparable(referenceReport), Comparable(report));
        var check = MigrationChecker.Check(zep.Store, ExpectedExport.LoadFiles(files));
        Assert.True(check.Lost.Count + check.Duplicated.Count + check.Unexpected.Count == 0, check.ToString());
    }

    [Fact]
    public async Task Validate_finds_an_edit_made_in_zep_runs_lists_the_run_and_a_refused_action_is_audited()
    {
        SyntheticClinicExport.Write(_folder, users: 2, memoriesPerUser: 2, messagesPerUser: 4);
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = Key });
        using var cli = new CliProcess();
        var migrated = await cli.RunAsync(EnvironmentFor(zep), ["migrate", _folder, "--json"]);
        Assert.Equal(0, migrated.ExitCode);
        var runId = migrated.Json.GetProperty("runId").GetString()!;

        var message = zep.Store.GetThreadIds("patient-0001").SelectMany(zep.Store.GetMessages).First();
        using var http = new HttpClient { BaseAddress = zep.BaseAddress };
        var edit = await http.PatchAsJsonAsync($"_emulator/messages/{message.Uuid}", new { content = "changed in Zep" });
        Assert.True(edit.IsSuccessStatusCode);

        var validated = await cli.RunAsync(EnvironmentFor(zep), ["validate", "--user", "patient-0001", "--json"]);
        output.WriteLine(validated.Output + validated.Error);
        Assert.Equal(3, validated.ExitCode);
        var finding = Assert.Single(validated.Json.GetProperty("findings").EnumerateArray());
        Assert.Equal(("patient-0001", "Differs", "content"),
            (finding.GetProperty("user").GetString(), finding.GetProperty("kind").GetString(), finding.GetProperty("field").GetString()));
        Assert.DoesNotContain("changed in Zep", validated.Output + validated.Error);

        var csv = await cli.RunAsync(EnvironmentFor(zep), ["report", "--run", runId, "--format", "csv"]);
        var rows = csv.Output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("record,user,status,items,item_key,file,record_index,kind,field,reason,zep_user_id,role,updated", rows[0]);
        Assert.Contains(rows, r => r.StartsWith("user,patient-0001,mismatched,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("finding,patient-0001,", StringComparison.Ordinal) && r.Contains(",Differs,content,", StringComparison.Ordinal));

        var runs = await cli.RunAsync(EnvironmentFor(zep), ["runs", "--json"]);
        var listed = Assert.Single(runs.Json.EnumerateArray());
        Assert.Equal((runId, "completed_with_errors"), (listed.GetProperty("runId").GetString(), listed.GetProperty("status").GetString()));

        var pause = await cli.RunAsync(EnvironmentFor(zep), ["pause", "--run", runId, "--reason", "night shift"]);
        Assert.Equal(2, pause.ExitCode);
        Assert.Contains("only a running run can be paused", pause.Error);

        var database = Path.Combine(cli.WorkingDirectory, "pixelated-migration.db");
        var audit = ReadAudit(database);
        Assert.Contains(("cli", "migration.revalidate", runId, 0L), audit);
        Assert.Contains(("cli", "migration.pause", runId, 2L), audit);
        Assert.Equal([("patient-0000", "verified", 0L), ("patient-0001", "mismatched", 1L)], ReadUsersView(database));
    }

    private static async Task<JsonElement> ReportAsync(CliProcess cli, ZepEmulatorHost zep, string runId)
    {
        var report = await cli.RunAsync(EnvironmentFor(zep), ["report", "--run", runId, "--format", "json"]);
        Assert.Equal(0, report.ExitCode);
        return report.Json;
    }

    /// <summary>What two runs of the same export must agree on: outcome, totals, per-user lines, problems and findings (not ids, times or request counts).</summary>
    private static string Comparable(JsonElement report) => JsonSerializer.Serialize(new
    {
        status = report.GetProperty("status").GetString(),
        users = report.GetProperty("users"),
        items = report.GetProperty("items"),
        userLines = report.GetProperty("userLines"),
        problems = report.GetProperty("problems"),
        findings = report.GetProperty("findings"),
        rerun = report.GetProperty("rerun"),
    });

    private static List<(string Actor, string Action, string RunId, long Outcome)> ReadAudit(string database) =>
        Query(database, "SELECT actor, action, run_id, outcome FROM audit_log ORDER BY id",
            r => (r.GetString(0), r.GetString(1), r.GetString(2).ToLowerInvariant(), r.GetInt64(3)));

    private static List<(string User, string Status, long Findings)> ReadUsersView(string database) =>
        Query(database, "SELECT user_key, status, findings FROM v_migration_users ORDER BY user_key",
            r => (r.GetString(0), r.GetString(1), r.GetInt64(2)));

    /// <summary>Reads the CLI's SQLite ledger file directly, read-only, as a dashboard would.</summary>
    private static List<T> Query<T>(string database, string sql, Func<SqliteDataReader, T> row)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
