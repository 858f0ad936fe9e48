using System.Text;
using System.Text.Json;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Issue 17: a ~12,000-character session summary in French with emoji and Japanese sentences failed with Zep's size limit
/// (its parts were measured before being wrapped in JSON that escaped every non-ASCII character). The embedded pipeline
/// (in-memory bus, SQLite ledger) migrates it from an export file into the emulator, which counts what it receives.
/// </summary>
public sealed class When_a_long_multilingual_memory_migrates(ITestOutputHelper output) : IDisposable
{
    private const string User = "patient-fr";
    private readonly SqliteFolder _folder = new("multilingual");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("sequential")]
    [InlineData("batch")]
    public async Task The_long_multilingual_structured_memory_migrates_complete(string writeMode)
    {
        var summary = Components.Tests.LongMultilingualMemory.Text(); // the same text as the planner's tests
        var note = string.Concat(Enumerable.Repeat("Note libre : très fatiguée 😴, 今日は休みます。 ", 600)); // a text memory, ~25,000 characters
        var export = WriteExport(("m-summary", summary, """{"type":"session_summary","langue":"français"}"""), ("m-note", note, null));
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await using var pipeline = await PipelineHost.StartAsync(zep, new Dictionary<string, string?>
        {
            ["Pipeline:Bus"] = "inmemory",
            ["Ledger:Provider"] = "sqlite",
            ["ConnectionStrings:Ledger"] = $"Data Source={_folder.File("ledger.db")}",
            ["Zep:WriteMode"] = writeMode,
        });

        var report = await pipeline.MigrateAsync([export], TimeSpan.FromMinutes(2));

        var stats = zep.Store.GetStats();
        output.WriteLine($"[{writeMode}] {report.Status}: {report.ZepRequests} Zep requests, by status {string.Join(' ', stats.Requests.Select(kv => $"{kv.Key}:{kv.Value}"))}");
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal((1, 1), (report.Users.Total, report.Users.Verified));
        Assert.Equal(2, report.Items.Migrated);
        Assert.Empty(report.Findings);
        Assert.Equal(0, stats.Requests.GetValueOrDefault("400"));

        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, ExpectedExport.LoadFiles([export])); // each memory's parts join to its full text
        var parts = zep.Store.GetEpisodes(User).Where(e => e.Type == "json").ToList();
        Assert.True(parts.Count >= 2, $"{parts.Count} part(s)");
        Assert.All(parts, e => Assert.InRange(e.Content.EnumerateRunes().Count(), 1, 10_000));
        Assert.All(parts, e => Assert.DoesNotContain("\\u", e.Content, StringComparison.Ordinal)); // readable in Zep
        Assert.Equal(summary, string.Concat(parts.OrderBy(e => e.Sequence).Select(e => JsonDocument.Parse(e.Content).RootElement.GetProperty("memory").GetString())));
    }

    /// <summary>An OSS <c>get_all</c> export (FORMATS.md) of the user's memories.</summary>
    private string WriteExport(params (string Id, string Memory, string? MetadataJson)[] memories)
    {
        var results = memories.Select((m, i) => new Dictionary<string, object?>
        {
            ["id"] = m.Id,
            ["memory"] = m.Memory,
            ["hash"] = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(m.Memory))),
            ["metadata"] = m.MetadataJson is null ? null : JsonDocument.Parse(m.MetadataJson).RootElement,
            ["created_at"] = $"2026-03-12T1{i}:00:00.000000+00:00",
            ["updated_at"] = $"2026-03-12T1{i}:00:00.000000+00:00",
            ["user_id"] = User,
        });
        var path = _folder.File("memories.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { results }));
        return path;
    }
}
