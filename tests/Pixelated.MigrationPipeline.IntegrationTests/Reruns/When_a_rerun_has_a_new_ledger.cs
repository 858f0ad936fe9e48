using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Reruns;

/// <summary>
/// Zep is the truth (DESIGN.md §3.6): an export migrated once (under write faults) and migrated again with a ledger that
/// remembers nothing (another folder, another machine, a lost ledger) adds nothing to Zep: the second run finds the users and
/// threads in Zep, reads their keys back, adopts what is there and reports it.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_a_rerun_has_a_new_ledger(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private static readonly string[] Fixtures =
        ["platform-v3-page1.json", "platform-v3-clinic-page.json", "oss-python-get-all.json", "oss-python-get-all-graph.json", "platform-history.json"];

    private static string[] Paths => Fixtures.Select(ExpectedExport.FixturePath).ToArray();

    /// <summary>Writes applied and then answered 500: the first run reads them back and ends completed all the same.</summary>
    private static EmulatorOptions FaultyZep() =>
        new() { ApiKey = "test-key-not-secret", Faults = { ErrorAfterWriteRate = 0.3, Seed = 17 } };

    [Theory]
    [InlineData("sequential")]
    [InlineData("batch")]
    public async Task The_cli_from_another_folder_adds_nothing_to_zep_and_reports_what_it_adopted(string writeMode)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(FaultyZep());
        var environment = new Dictionary<string, string?>
        {
            ["ZEP_API_KEY"] = "test-key-not-secret", ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri, ["Zep__WriteMode"] = writeMode,
        };
        using var firstFolder = new CliProcess();
        using var secondFolder = new CliProcess();

        var first = await firstFolder.RunAsync(environment, ["migrate", .. Paths, "--json"]);
        var faults = zep.Store.GetStats().Faults.GetValueOrDefault(EmulatorFaultKinds.ErrorAfterWrite);
        zep.Faults.ErrorAfterWriteRate = 0;
        var afterFirst = zep.Store.GetStats();
        var second = await secondFolder.RunAsync(environment, ["migrate", .. Paths, "--json"]);
        var afterSecond = zep.Store.GetStats();

        output.WriteLine($"[{writeMode}] {faults} writes applied then answered 500 in the first run; Zep holds {afterSecond.Users} users, " +
                         $"{afterSecond.Threads} threads, {afterSecond.Messages} messages, {afterSecond.Episodes} episodes");
        output.WriteLine(first.Output + first.Error + second.Output + second.Error);
        Assert.True(faults > 0, "the first run must have met write faults");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("completed", second.Json.GetProperty("status").GetString());
        var users = second.Json.GetProperty("users");
        Assert.Equal(users.GetProperty("total").GetInt32(), users.GetProperty("verified").GetInt32());
        var expected = ExpectedExport.Load(Fixtures);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, expected);
        ZepAssertions.EveryMessageIsInZepExactlyOnce(zep.Store, expected);
        Assert.Equal((afterFirst.Users, afterFirst.Threads, afterFirst.Messages, afterFirst.Episodes, afterFirst.Batches),
            (afterSecond.Users, afterSecond.Threads, afterSecond.Messages, afterSecond.Episodes, afterSecond.Batches));
        Assert.Equal(afterFirst.Requests.GetValueOrDefault("202"), afterSecond.Requests.GetValueOrDefault("202"));
        Assert.Equal(afterFirst.Requests.GetValueOrDefault("201"), afterSecond.Requests.GetValueOrDefault("201"));
        // Every user, thread, episode and message batch was found in Zep and adopted (the fixtures' threads hold < 30 messages).
        Assert.Equal(afterSecond.Users + 2 * afterSecond.Threads + afterSecond.Episodes, second.Json.GetProperty("adoptedUnits").GetInt32());
        Assert.Equal(0, first.Json.GetProperty("adoptedUnits").GetInt32());
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("auto")]
    public async Task The_distributed_pipeline_on_a_new_postgres_ledger_adds_nothing_to_zep(string writeMode)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(FaultyZep());
        var files = Paths.ToList();

        Components.Runs.RunReport first;
        await using (var pipeline = await PipelineHost.StartAsync(zep,
                         PipelineHost.Distributed(infrastructure.RabbitMqUri, await infrastructure.CreateDatabaseAsync("rerun_ledger_a"), writeMode)))
            first = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(3));
        zep.Faults.ErrorAfterWriteRate = 0;
        var afterFirst = zep.Store.GetStats();
        Components.Runs.RunReport second;
        await using (var pipeline = await PipelineHost.StartAsync(zep,
                         PipelineHost.Distributed(infrastructure.RabbitMqUri, await infrastructure.CreateDatabaseAsync("rerun_ledger_b"), writeMode)))
            second = await pipeline.MigrateAsync(files, TimeSpan.FromMinutes(3));
        var afterSecond = zep.Store.GetStats();

        output.WriteLine($"[{writeMode}] first: {first.Status}, {first.ZepRequests} requests; second: {second.Status}, {second.ZepRequests} requests, " +
                         $"{second.AdoptedUnits} units adopted; faults {afterFirst.Faults.GetValueOrDefault(EmulatorFaultKinds.ErrorAfterWrite)}");
        Assert.True(afterFirst.Faults.GetValueOrDefault(EmulatorFaultKinds.ErrorAfterWrite) > 0, "the first run must have met write faults");
        Assert.True(first.AllUsersVerified, first.Status.ToString());
        Assert.True(second.AllUsersVerified, second.Status.ToString());
        Assert.Empty(second.Findings);
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, ExpectedExport.Load(Fixtures));
        ZepAssertions.EveryMessageIsInZepExactlyOnce(zep.Store, ExpectedExport.Load(Fixtures));
        Assert.Equal((afterFirst.Users, afterFirst.Threads, afterFirst.Messages, afterFirst.Episodes, afterFirst.Batches),
            (afterSecond.Users, afterSecond.Threads, afterSecond.Messages, afterSecond.Episodes, afterSecond.Batches));
        Assert.Equal(afterSecond.Users + 2 * afterSecond.Threads + afterSecond.Episodes, second.AdoptedUnits);
        Assert.Equal(0, first.AdoptedUnits);
    }
}
