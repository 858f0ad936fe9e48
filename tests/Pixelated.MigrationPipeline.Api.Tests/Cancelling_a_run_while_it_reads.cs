using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Cancelling_a_run_while_it_reads(ApiHost api)
{
    /// <summary>
    /// An export of 200,000 memories takes seconds to stage; a cancel sent once the first items are staged stops the reading
    /// (the ingest watches the ledger), so the run ends cancelled with only part of the file staged and nothing sent to Zep.
    /// </summary>
    [Fact]
    public async Task A_cancel_stops_the_reading_of_a_large_export_part_way()
    {
        const int users = 8_000, memories = 25;
        var prefix = Exports.Prefix();
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, prefix + ".json"), Exports.Platform(prefix, users, memories));

        var runId = (await (await api.StartByPathAsync(new { path = prefix + ".json" })).AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        // Cancelled once the reading has begun (items are staging), not before the ingest starts, which is a different path.
        var reading = await api.WaitAsync(runId, r => r.GetProperty("items").GetProperty("total").GetInt32() > 0, "the first items staged");
        Assert.Equal("ingesting", reading.GetProperty("status").GetString());
        await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/cancel", new { reason = "wrong export" })).AssertAcceptedAsync();
        var run = await api.WaitFinishedAsync(runId);

        Assert.Equal("cancelled", run.GetProperty("status").GetString());
        var staged = run.GetProperty("items").GetProperty("total").GetInt32();
        Assert.True(staged > 0 && staged < users * memories, $"the reading stopped part way: {staged} of {users * memories} items staged");
        Assert.DoesNotContain(api.Emulator.Store.GetUsers(), u => u.UserId.StartsWith(prefix, StringComparison.Ordinal));
    }
}
