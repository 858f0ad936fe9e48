using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Control;

/// <summary>
/// <c>purge --run ID</c> through the real executable: with <c>Ledger:RetainContent=true</c> the migrated run keeps its
/// content until the purge, which removes it (counts only in its output and the audit log); a second purge has nothing left;
/// an unknown run exits 1.
/// </summary>
public sealed class When_an_operator_purges_with_the_cli : IDisposable
{
    private const string Key = "test-key-not-secret";
    private readonly CliProcess _cli = new();

    [Fact]
    public async Task Purge_removes_a_retained_runs_content_and_is_audited()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = Key });
        var environment = new Dictionary<string, string?>
        {
            ["ZEP_API_KEY"] = Key, ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri, ["Ledger__RetainContent"] = "true",
        };
        var migrate = await _cli.RunAsync(environment, "migrate", ExpectedExport.FixturePath("platform-v3-clinic-page.json"), "--json");
        Assert.Equal(0, migrate.ExitCode);
        var runId = migrate.Json.GetProperty("runId").GetString()!;
        Assert.True(Count($"SELECT COUNT(*) FROM staged_items WHERE run_id = '{runId.ToUpperInvariant()}' AND content IS NOT NULL") > 0);

        var purge = await _cli.RunAsync(environment, "purge", "--run", runId, "--json");
        var again = await _cli.RunAsync(environment, "purge", "--run", runId, "--json");
        var unknown = await _cli.RunAsync(environment, "purge", "--run", Guid.NewGuid().ToString());

        Assert.Equal(0, purge.ExitCode);
        Assert.True(purge.Json.GetProperty("itemsPurged").GetInt32() > 0);
        Assert.Equal(0, Count("SELECT COUNT(*) FROM staged_items WHERE content IS NOT NULL OR name IS NOT NULL OR metadata_json IS NOT NULL OR categories_json IS NOT NULL"));
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(0, again.Json.GetProperty("itemsPurged").GetInt32());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("not found", unknown.Error);
        Assert.Equal(3, Count("SELECT COUNT(*) FROM audit_log WHERE action = 'migration.purge'"));
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_cli.WorkingDirectory, "pixelated-migration.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose() => _cli.Dispose();
}
