using System.Net;
using System.Text.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Auditing_operator_actions(ApiHost api)
{
    [Fact]
    public async Task Every_action_done_or_refused_is_recorded_with_who_what_when_and_outcome()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, 1), ("users", $"{prefix}-u00"));
        await api.WaitFinishedAsync(runId);
        await api.Operator().PostAsync($"api/v1/migrations/{runId}/pause", null);                 // 409: finished
        await api.Operator().PostAsync($"api/v1/migrations/{runId}/revalidate", null);            // 202
        await api.StartByPathAsync(new { path = "../escape.json" });                               // 400

        var audit = await (await api.Operator().GetAsync($"api/v1/audit?runId={runId}")).JsonAsync();
        var entries = audit.GetProperty("entries").EnumerateArray().ToList();

        Assert.Equal(["migration.revalidate", "migration.pause", "migration.start"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([202, 409, 202], entries.Select(e => e.GetProperty("outcome").GetInt32()));
        Assert.All(entries, e =>
        {
            Assert.Equal(ApiHost.OperatorName, e.GetProperty("actor").GetString());
            Assert.Equal("operator", e.GetProperty("role").GetString());
            Assert.True(e.GetProperty("at").GetDateTimeOffset() >= before);
            Assert.DoesNotContain(prefix, e.GetRawText()); // no user ids
        });
        Assert.Contains("users filter=1", entries[2].GetProperty("detail").GetString());

        var all = await (await api.Operator().GetAsync("api/v1/audit?take=50")).JsonAsync();
        Assert.Contains(all.GetProperty("entries").EnumerateArray(), e =>
            e.GetProperty("action").GetString() == "migration.start" && e.GetProperty("outcome").GetInt32() == 400
            && e.GetProperty("runId").ValueKind == JsonValueKind.Null && e.GetProperty("detail").GetString()!.StartsWith("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reading_the_audit_trail_is_for_operators()
    {
        await (await api.Viewer().GetAsync("api/v1/audit")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.Operator().GetAsync("api/v1/audit?take=0")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
