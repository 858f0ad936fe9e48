using System.Net.Http.Headers;
using System.Net.Http.Json;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Reruns;

/// <summary>
/// An earlier version of the tool (or another tool) wrote some episodes and messages twice under our keys: <c>repair</c>
/// leaves one of each episode (the oldest) through Zep's delete-episode call and lists the duplicated messages with their
/// uuids, since Zep v3 cannot delete one message of a thread.
/// </summary>
public sealed class When_zep_holds_duplicates_of_our_keys(ITestOutputHelper output) : IDisposable
{
    private const string Key = "test-key-not-secret";
    private readonly CliProcess _cli = new();

    [Fact]
    public async Task Repair_keeps_the_oldest_episode_of_each_key_and_lists_the_duplicated_messages()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = Key });
        var environment = new Dictionary<string, string?> { ["ZEP_API_KEY"] = Key, ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri };
        var files = new[] { "platform-v3-clinic-page.json", "platform-history.json" };
        var migrate = await _cli.RunAsync(environment, ["migrate", .. files.Select(ExpectedExport.FixturePath), "--json"]);
        Assert.Equal(0, migrate.ExitCode);
        var runId = migrate.Json.GetProperty("runId").GetString()!;

        // Copies sent through Zep's own API, as an older loader would have: two episodes twice, one three times, one message twice.
        using var http = new HttpClient { BaseAddress = zep.ApiBaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", Key);
        var originals = zep.Store.GetEpisodes("patient-1001").Take(2).Concat(zep.Store.GetEpisodes("patient-1002").Take(1)).ToList();
        foreach (var (episode, copies) in originals.Zip([1, 2, 1]))
            for (var i = 0; i < copies; i++)
                (await http.PostAsJsonAsync("graph", new
                {
                    data = episode.Content, type = episode.Type, user_id = episode.UserId,
                    created_at = episode.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"), metadata = episode.Metadata,
                })).EnsureSuccessStatusCode();
        var thread = zep.Store.GetMessages("mem0-alice-trip-planning-2026-06");
        var message = thread[1];
        (await http.PostAsJsonAsync($"threads/{message.ThreadId}/messages", new
        {
            messages = new[] { new { content = message.Content, role = message.Role, metadata = message.Metadata } },
        })).EnsureSuccessStatusCode();
        var episodesBefore = zep.Store.GetStats().Episodes;

        var dryRun = await _cli.RunAsync(environment, "repair", "--run", runId, "--dry-run", "--json");
        var afterDryRun = zep.Store.GetStats().Episodes;
        var repair = await _cli.RunAsync(environment, "repair", "--run", runId, "--json");
        var again = await _cli.RunAsync(environment, "repair", "--run", runId, "--json");

        output.WriteLine(dryRun.Output + dryRun.Error + repair.Output + repair.Error);
        Assert.Equal(3, dryRun.ExitCode);
        Assert.Equal(4, dryRun.Json.GetProperty("episodesToDelete").GetInt32());
        Assert.Equal(episodesBefore, afterDryRun); // a dry run deletes nothing
        Assert.Equal(3, repair.ExitCode); // the duplicated message stays (listed)
        Assert.Equal(4, repair.Json.GetProperty("episodesDeleted").GetInt32());
        Assert.Equal(episodesBefore - 4, zep.Store.GetStats().Episodes);
        foreach (var original in originals)
        {
            var left = zep.Store.GetEpisodes(original.UserId!).Where(e => e.Metadata!["pxm_key"].GetString() == original.Metadata!["pxm_key"].GetString()).ToList();
            Assert.Equal(original.Uuid, Assert.Single(left).Uuid); // the oldest is the one kept
        }
        ZepAssertions.EveryMemoryIsInZepExactlyOnce(zep.Store, ExpectedExport.Load(files));

        var listed = Assert.Single(repair.Json.GetProperty("lines").EnumerateArray(), l => l.GetProperty("kind").GetString() == "message");
        Assert.Equal("listed", listed.GetProperty("action").GetString());
        Assert.Equal(message.Uuid, listed.GetProperty("keptUuid").GetString());
        var copy = zep.Store.GetMessages(message.ThreadId).Last();
        Assert.Equal([copy.Uuid], listed.GetProperty("duplicateUuids").EnumerateArray().Select(u => u.GetString()));
        Assert.DoesNotContain(message.Content, repair.Output); // keys and uuids, never content

        Assert.Equal(0, again.Json.GetProperty("episodesDeleted").GetInt32());
        Assert.Equal(1, again.Json.GetProperty("duplicatedMessages").GetInt32());
    }

    [Fact]
    public async Task Repair_of_an_unknown_run_says_so()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = Key });
        var environment = new Dictionary<string, string?> { ["ZEP_API_KEY"] = Key, ["Zep__BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri };

        var result = await _cli.RunAsync(environment, "repair", "--run", Guid.NewGuid().ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Error);
    }

    public void Dispose() => _cli.Dispose();
}
