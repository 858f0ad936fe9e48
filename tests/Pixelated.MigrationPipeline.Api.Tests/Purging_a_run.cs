using System.Net;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Purging_a_run(ApiHost api)
{
    /// <summary>
    /// An operator purges a finished run's retained content (counts only; the verified users' content is gone already, since
    /// RetainContent is off); a viewer may not; an unknown run is 404; every attempt is audited without user ids.
    /// </summary>
    [Fact]
    public async Task An_operator_purges_a_finished_run_and_a_viewer_is_refused()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 2));
        await api.WaitFinishedAsync(runId);

        await (await api.Viewer().PostAsync($"api/v1/migrations/{runId}/purge", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var purged = await (await api.Operator().PostAsync($"api/v1/migrations/{runId}/purge", null)).JsonAsync();
        await (await api.Operator().PostAsync($"api/v1/migrations/{Guid.NewGuid()}/purge", null)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(runId.ToString(), purged.GetProperty("runId").GetString());
        Assert.Equal(0, purged.GetProperty("itemsPurged").GetInt32()); // verified users were purged by their validation
        Assert.Contains("keys and hashes kept", purged.GetProperty("summary").GetString());

        var audit = await (await api.Operator().GetAsync($"api/v1/audit?runId={runId}")).JsonAsync();
        var purges = audit.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "migration.purge").ToList();
        Assert.Equal([200, 403], purges.Select(e => e.GetProperty("outcome").GetInt32()));
        Assert.All(purges, e => Assert.DoesNotContain(prefix, e.GetRawText()));
    }
}
