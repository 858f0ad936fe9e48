using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Reading_runs(ApiHost api)
{
    [Fact]
    public async Task The_list_shows_the_newest_run_first()
    {
        var older = await api.StartAsync(Exports.Platform(Exports.Prefix(), 1), ("dryRun", "true"));
        var newer = await api.StartAsync(Exports.Platform(Exports.Prefix(), 1), ("dryRun", "true"));

        var list = await (await api.Viewer().GetAsync("api/v1/migrations?take=500")).JsonAsync();

        var ids = list.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("runId").GetGuid()).ToList();
        Assert.True(ids.IndexOf(newer) >= 0 && ids.IndexOf(newer) < ids.IndexOf(older), "newest first");
        var limited = await (await api.Viewer().GetAsync("api/v1/migrations?take=1")).JsonAsync();
        Assert.Single(limited.GetProperty("runs").EnumerateArray());
        await (await api.Viewer().GetAsync("api/v1/migrations?take=0")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_run_shows_status_totals_progress_rate_and_eta()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 3, memories: 2));
        var run = await api.WaitFinishedAsync(runId);

        Assert.Equal(runId, run.GetProperty("runId").GetGuid());
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(3, run.GetProperty("users").GetProperty("verified").GetInt32());
        var progress = run.GetProperty("progress");
        Assert.Equal(100, progress.GetProperty("percent").GetDouble());
        Assert.Equal(6, progress.GetProperty("itemsSettled").GetInt32());
        Assert.True(progress.GetProperty("itemsPerSecond").GetDouble() > 0);
        Assert.Equal(0, progress.GetProperty("etaSeconds").GetDouble());
        Assert.Equal($"/api/v1/migrations/{runId}/report", run.GetProperty("report").GetString());
    }

    [Fact]
    public async Task An_unknown_run_is_404_everywhere()
    {
        var id = Guid.NewGuid();
        foreach (var path in new[] { "", "/report", "/report?format=csv", "/users" })
            await (await api.Viewer().GetAsync($"api/v1/migrations/{id}{path}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_report_in_json_lists_users_and_item_problems_without_content()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 2, withBadRecord: true));
        await api.WaitFinishedAsync(runId);

        var report = await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/report")).JsonAsync();

        Assert.Equal("completed_with_errors", report.GetProperty("status").GetString());
        Assert.All(report.GetProperty("userLines").EnumerateArray(), u => Assert.Equal("verified", u.GetProperty("status").GetString()));
        Assert.Equal(2, report.GetProperty("userLines").GetArrayLength());
        var problem = Assert.Single(report.GetProperty("problems").EnumerateArray());
        Assert.Equal("failed", problem.GetProperty("status").GetString());
        Assert.DoesNotContain("Memory 0 of user", report.GetRawText());
        Assert.DoesNotContain("No owner.", report.GetRawText());
    }

    [Fact]
    public async Task The_report_in_csv_has_a_row_per_user_and_per_item_problem_by_accept_header_or_query()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 2, withBadRecord: true));
        await api.WaitFinishedAsync(runId);

        var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/migrations/{runId}/report");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var byHeader = await api.Viewer().SendAsync(request);
        var byQuery = await api.Viewer().GetAsync($"api/v1/migrations/{runId}/report?format=csv");

        foreach (var response in new[] { byHeader, byQuery })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("record,user,status,items,item_key,file,record_index,kind,field,reason,zep_user_id,role,updated", lines[0]);
            Assert.Equal(2, lines.Count(l => l.StartsWith($"user,{prefix}-u", StringComparison.Ordinal)));
            Assert.Contains(lines, l => l.StartsWith($"user,{prefix}-u00,verified,2,", StringComparison.Ordinal));
            Assert.Single(lines, l => l.StartsWith("item,", StringComparison.Ordinal));
            Assert.DoesNotContain("No owner.", string.Join("\n", lines));
        }
        await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/report?format=xml")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Users_can_be_filtered_by_status_and_an_unknown_status_is_400()
    {
        var prefix = Exports.Prefix();
        var runId = await api.StartAsync(Exports.Platform(prefix, users: 3), ("users", $"{prefix}-u00,{prefix}-u02"));
        await api.WaitFinishedAsync(runId);

        async Task<List<string>> Users(string query) =>
            (await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/users{query}")).JsonAsync())
            .GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user").GetString()!).ToList();

        Assert.Equal([$"{prefix}-u00", $"{prefix}-u01", $"{prefix}-u02"], await Users(""));
        Assert.Equal([$"{prefix}-u00", $"{prefix}-u02"], await Users("?status=verified"));
        Assert.Equal([$"{prefix}-u01"], await Users("?status=Skipped"));
        Assert.Empty(await Users("?status=failed"));
        await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/users?status=exploded")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/users?status=6")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
