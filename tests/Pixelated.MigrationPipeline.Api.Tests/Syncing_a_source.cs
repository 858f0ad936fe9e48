using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Api.Tests;

/// <summary>Runs of one mem0 source as a chain of syncs: the start body's options, the runs list's chain and lag, the report's sync figures.</summary>
[Collection(ApiCollection.Name)]
public sealed class Syncing_a_source(ApiHost api)
{
    private async Task<string> DropAsync(string prefix, string name, int memories)
    {
        Directory.CreateDirectory(Path.Combine(api.DropFolder, "sync"));
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, "sync", name), Exports.Platform(prefix, users: 1, memories: memories));
        return $"sync/{name}";
    }

    [Fact]
    public async Task A_second_run_of_a_source_follows_the_first_and_the_list_shows_the_chain_and_the_lag()
    {
        var prefix = Exports.Prefix();
        var source = $"{prefix}-clinic";
        var first = (await (await api.StartByPathAsync(new { path = await DropAsync(prefix, $"{prefix}-a.json", 2), source })).AssertAcceptedAsync())
            .GetProperty("runId").GetGuid();
        await api.WaitFinishedAsync(first);
        var second = (await (await api.StartByPathAsync(new
        {
            path = await DropAsync(prefix, $"{prefix}-b.json", 2), source, fullExport = true, propagateDeletes = true,
        })).AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        await api.WaitFinishedAsync(second);

        var list = await (await api.Viewer().GetAsync("api/v1/migrations?take=1000")).JsonAsync();

        var runs = list.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("runId").GetGuid());
        Assert.Equal(source, runs[first].GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, runs[first].GetProperty("previousRunId").ValueKind);
        Assert.Equal(first, runs[second].GetProperty("previousRunId").GetGuid());
        var chain = Assert.Single(list.GetProperty("sources").EnumerateArray(), s => s.GetProperty("source").GetString() == source);
        Assert.Equal(2, chain.GetProperty("syncs").GetInt32());
        Assert.Equal(second, chain.GetProperty("lastSyncRunId").GetGuid());
        var lag = chain.GetProperty("lagSeconds").GetDouble();
        Assert.InRange(lag, 0, 120);

        var sync = (await (await api.Viewer().GetAsync($"api/v1/migrations/{second}/report")).JsonAsync()).GetProperty("sync");
        Assert.Equal(source, sync.GetProperty("source").GetString());
        Assert.Equal(first, sync.GetProperty("previousRunId").GetGuid());
        Assert.True(sync.GetProperty("fullExport").GetBoolean());
        Assert.True(sync.GetProperty("propagateDeletes").GetBoolean());
        Assert.Equal(second, sync.GetProperty("lag").GetProperty("lastSyncRunId").GetGuid());
        var firstSync = (await (await api.Viewer().GetAsync($"api/v1/migrations/{first}/report")).JsonAsync()).GetProperty("sync");
        Assert.False(firstSync.GetProperty("fullExport").GetBoolean());
        Assert.False(firstSync.GetProperty("propagateDeletes").GetBoolean());
    }

    [Fact]
    public async Task The_report_counts_memories_by_change_and_lists_the_items_deleted_in_zep_by_key_in_json_and_csv()
    {
        var prefix = Exports.Prefix();
        var runId = (await (await api.StartByPathAsync(new { path = await DropAsync(prefix, $"{prefix}.json", 5), source = prefix })).AssertAcceptedAsync())
            .GetProperty("runId").GetGuid();
        await api.WaitFinishedAsync(runId);
        // What the sync core records on the run's items (here set directly): one memory each new, changed and unchanged,
        // two deleted in the source, one of them with its episodes deleted in Zep.
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            async Task Mark(int memory, ItemChange change, ItemStatus status) =>
                await db.StagedItems.Where(i => i.RunId == runId && i.ItemKey == $"memory:{prefix}-m00-{memory}")
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.Change, change).SetProperty(i => i.Status, status));
            await Mark(0, ItemChange.New, ItemStatus.Migrated);
            await Mark(1, ItemChange.Changed, ItemStatus.Migrated);
            await Mark(2, ItemChange.Unchanged, ItemStatus.Migrated);
            await Mark(3, ItemChange.Deleted, ItemStatus.Migrated);
            await Mark(4, ItemChange.Deleted, ItemStatus.Skipped);
        }

        var report = await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/report")).JsonAsync();
        var csv = await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/report?format=csv")).Content.ReadAsStringAsync();

        var memories = report.GetProperty("sync").GetProperty("memories");
        Assert.Equal((1, 1, 1, 2), (memories.GetProperty("new").GetInt32(), memories.GetProperty("changed").GetInt32(),
            memories.GetProperty("unchanged").GetInt32(), memories.GetProperty("deleted").GetInt32()));
        var deleted = Assert.Single(report.GetProperty("sync").GetProperty("deletedInZep").EnumerateArray());
        Assert.Equal(($"{prefix}-u00", $"memory:{prefix}-m00-3"), (deleted.GetProperty("user").GetString(), deleted.GetProperty("itemKey").GetString()));
        var row = Assert.Single(csv.Split("\r\n"), l => l.StartsWith("deleted_in_zep,", StringComparison.Ordinal));
        Assert.Equal($"deleted_in_zep,{prefix}-u00,migrated,,memory:{prefix}-m00-3,,,deleted_in_source,,,,,", row);
        Assert.DoesNotContain("Memory 3 of user", report.GetRawText() + csv);
    }

    [Fact]
    public async Task Form_fields_set_the_sync_options_and_bad_values_are_400_naming_the_field()
    {
        var prefix = Exports.Prefix();
        var runId = (await (await api.UploadAsync("x.json", Exports.Platform(prefix, users: 1),
            ("source", $"{prefix}-form"), ("fullExport", "true"), ("propagateDeletes", "yes"))).AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        await api.WaitFinishedAsync(runId);
        var sync = (await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/report")).JsonAsync()).GetProperty("sync");
        Assert.Equal(($"{prefix}-form", true, true), (sync.GetProperty("source").GetString(), sync.GetProperty("fullExport").GetBoolean(),
            sync.GetProperty("propagateDeletes").GetBoolean()));

        var badFlag = await (await api.UploadAsync("x.json", Exports.Platform(prefix, users: 1), ("fullExport", "perhaps")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(badFlag.GetProperty("errors").TryGetProperty("fullExport", out _));
        var badSource = await (await api.StartByPathAsync(new { path = await DropAsync(prefix, $"{prefix}.json", 1), source = "a\u0007b" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(badSource.GetProperty("errors").TryGetProperty("source", out _));
        var longSource = await (await api.StartByPathAsync(new { path = $"sync/{prefix}.json", source = new string('s', 301) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(longSource.GetProperty("errors").TryGetProperty("source", out _));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_sync_options_of_the_start_body()
    {
        var doc = await (await api.Client(null).GetAsync("openapi/v1.json")).JsonAsync();

        var schemas = doc.GetProperty("components").GetProperty("schemas");
        JsonElement Resolved(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;
        var migrations = doc.GetProperty("paths").GetProperty("/api/v1/migrations");
        var body = Resolved(migrations.GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        foreach (var name in new[] { "source", "fullExport", "propagateDeletes" }) Assert.True(body.GetProperty("properties").TryGetProperty(name, out _), name);
        var list = Resolved(migrations.GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(list.GetProperty("properties").TryGetProperty("sources", out _));
    }
}
