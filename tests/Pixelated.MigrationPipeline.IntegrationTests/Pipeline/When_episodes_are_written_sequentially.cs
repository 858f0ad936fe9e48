using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Sequential mode (no Batch API) writes a user's episodes 20 per deprecated <c>POST /graph-batch</c> call, each episode
/// still its own ledger unit; where Zep does not serve that route it falls back to one graph.add per episode.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_episodes_are_written_sequentially(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private const string User = "patient-episodes";

    [Theory]
    [InlineData(true, 3, 0)]   // 45 episodes = 20 + 20 + 5
    [InlineData(false, 1, 45)] // one 404 (no such route), then one graph.add each
    public async Task Every_episode_lands_once_in_as_few_calls_as_zep_serves(bool graphBatchServed, int graphBatchCalls, int graphAddCalls)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { Batch = { GraphBatchEnabled = graphBatchServed } });
        var ledger = await infrastructure.CreateDatabaseAsync("episodes_graph_batch_" + graphBatchServed.ToString().ToLowerInvariant());
        using var host = await ServiceHost.MigrationAsync(ledger, zep, "sequential");
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 4, memories: 45);

        Assert.True(await host.Services.MigrateUserAsync(runId, User));

        var stats = zep.Store.GetStats();
        output.WriteLine(string.Join(' ', stats.RequestsByRoute.Select(kv => $"{kv.Key}:{kv.Value}")));
        Assert.Equal(graphBatchCalls, stats.RequestsByRoute.GetValueOrDefault(graphBatchServed ? "POST /api/v2/graph-batch" : "POST (no route)"));
        Assert.Equal(graphAddCalls, stats.RequestsByRoute.GetValueOrDefault("POST /api/v2/graph"));
        var contents = zep.Store.GetEpisodes(User).Select(e => e.Content).ToList();
        Assert.Equal(45, contents.Count);
        Assert.Equal(45, contents.Distinct().Count());

        await using var check = host.Services.CreateAsyncScope();
        var units = await check.ServiceProvider.GetRequiredService<LedgerDbContext>().WriteUnits
            .Where(u => u.UserKey == User && u.Kind == WriteUnitKind.Episode).ToListAsync();
        Assert.Equal(45, units.Count);
        Assert.All(units, u => Assert.Equal(WriteState.Confirmed, u.State));
        Assert.Equal(zep.Store.GetEpisodes(User).Select(e => e.Uuid).Order(), units.Select(u => u.ZepIds!).Order()); // each unit keeps its episode's uuid
    }
}
