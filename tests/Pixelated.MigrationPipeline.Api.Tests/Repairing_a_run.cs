using System.Net;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Repairing_a_run(ApiHost api)
{
    /// <summary>
    /// An episode another tool wrote a second time under our key: a dry run reports it, the repair deletes the copy and keeps
    /// the oldest; a viewer may not repair; every attempt is in the audit trail with counts only.
    /// </summary>
    [Fact]
    public async Task An_operator_removes_a_duplicated_episode_and_a_viewer_is_refused()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 2));
        await api.WaitFinishedAsync(runId);
        var user = $"{prefix}-u01";
        var original = api.Emulator.Store.GetEpisodes(user)[0];
        api.Emulator.Store.TryAddEpisode(original with { Uuid = Guid.NewGuid().ToString() });

        await (await api.Viewer().PostAsJsonAsync($"api/v1/migrations/{runId}/repair", new { dryRun = true })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var dryRun = await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/repair", new { dryRun = true })).JsonAsync();
        var countAfterDryRun = api.Emulator.Store.GetEpisodes(user).Count;
        var repaired = await (await api.Operator().PostAsJsonAsync($"api/v1/migrations/{runId}/repair", new { dryRun = false })).JsonAsync();
        await (await api.Operator().PostAsync($"api/v1/migrations/{Guid.NewGuid()}/repair", null)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(1, dryRun.GetProperty("episodesToDelete").GetInt32());
        Assert.Equal(3, countAfterDryRun); // two memories and the copy: a dry run deletes nothing
        Assert.Equal(1, repaired.GetProperty("episodesDeleted").GetInt32());
        var line = Assert.Single(repaired.GetProperty("lines").EnumerateArray());
        Assert.Equal(original.Uuid, line.GetProperty("keptUuid").GetString());
        Assert.Equal(2, api.Emulator.Store.GetEpisodes(user).Count);
        Assert.Contains(api.Emulator.Store.GetEpisodes(user), e => e.Uuid == original.Uuid);

        var audit = await (await api.Operator().GetAsync($"api/v1/audit?runId={runId}")).JsonAsync();
        var repairs = audit.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "migration.repair").ToList();
        Assert.Equal([200, 200, 403], repairs.Select(e => e.GetProperty("outcome").GetInt32()));
        Assert.All(repairs, e => Assert.DoesNotContain(prefix, e.GetRawText())); // counts, no user ids
        Assert.Contains("1 duplicated episode(s) deleted", repairs[0].GetProperty("detail").GetString());
    }
}
