using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

[Collection(InfrastructureCollection.Name)]
public sealed class When_the_cli_uses_the_distributed_setup(InfrastructureFixture infrastructure, ITestOutputHelper output) : IDisposable
{
    private readonly CliProcess _cli = new();

    [Fact]
    public async Task With_bus_rabbitmq_it_runs_over_rabbitmq_and_the_postgres_ledger()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "test-key-not-secret" });
        var ledger = await infrastructure.CreateDatabaseAsync("cli_distributed");
        var environment = new Dictionary<string, string?>
        {
            ["ZEP_API_KEY"] = "test-key-not-secret",
            ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
            ["ConnectionStrings__RabbitMq"] = infrastructure.RabbitMqUri,
            ["ConnectionStrings__Ledger"] = ledger,
        };

        var result = await _cli.RunAsync(environment, "migrate", ExpectedExport.FixturePath("platform-v3-clinic-page.json"), "--bus", "rabbitmq", "--json");
        var report = await _cli.RunAsync(environment, "report", "--run", result.Json.GetProperty("runId").GetString()!, "--bus", "rabbitmq", "--format", "json");

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("completed", result.Json.GetProperty("status").GetString());
        Assert.Equal(3, result.Json.GetProperty("users").GetProperty("verified").GetInt32());
        Assert.False(File.Exists(Path.Combine(_cli.WorkingDirectory, "pixelated-migration.db")), "the distributed setup must not touch the SQLite ledger");
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(3, report.Json.GetProperty("users").GetProperty("verified").GetInt32());
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, ExpectedExport.Load("platform-v3-clinic-page.json"));
    }

    public void Dispose() => _cli.Dispose();
}
