using System.Text.Json;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Control;

/// <summary>
/// Syncs of one source through the real executable on the embedded setup (SQLite ledger file, local emulator): the preview
/// (<c>inspect --diff</c>, <c>--diff-against</c>) writes nothing, a second <c>migrate</c> follows the first, and <c>runs</c>
/// and <c>report</c> show the chain and the lag. The exports: a Platform listing and history per folder; the newer one has
/// u1's m1 changed, m2 unchanged, m3 deleted (a history DELETE row), m4 new and two new messages in session s1; u2 unchanged.
/// </summary>
public sealed class When_an_operator_syncs_a_source_with_the_cli(ITestOutputHelper output) : IDisposable
{
    private static readonly Dictionary<string, string?> NoZepKey = new() { ["ZEP_API_KEY"] = null };
    private readonly CliProcess _cli = new();
    private readonly string _exports = Directory.CreateTempSubdirectory("pixelated-sync-exports-").FullName;

    private string Older => Path.Combine(_exports, "clinic-old");
    private string Newer => Path.Combine(_exports, "clinic-new");

    [Fact]
    public async Task Inspect_diff_counts_per_user_and_writes_nothing()
    {
        WriteExports();

        var diff = await _cli.RunAsync(NoZepKey, ["inspect", Older, Newer, "--diff", "--json"]);
        output.WriteLine(diff.Output + diff.Error);

        Assert.Equal(0, diff.ExitCode);
        Assert.Equal(((1, 1, 1, 1), 2), Counts(diff.Json, "u1"));
        Assert.Equal(((0, 0, 1, 0), 0), Counts(diff.Json, "u2"));
        Assert.True(diff.Json.GetProperty("hasChanges").GetBoolean());
        Assert.Empty(Directory.GetFileSystemEntries(_cli.WorkingDirectory)); // no ledger, no emulator state
        Assert.DoesNotContain("four", diff.Output + diff.Error); // counts and ids, never content

        var table = await _cli.RunAsync(NoZepKey, ["inspect", Older, Newer, "--diff"]);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(table.Output.Split('\n'), l => l.Replace(" ", "").Contains("│u1│1│1│1│1│0│2│"));

        Assert.Equal(1, (await _cli.RunAsync(NoZepKey, ["inspect", Older, "--diff"])).ExitCode); // two exports needed
        Assert.Equal(1, (await _cli.RunAsync(NoZepKey, ["inspect", Newer, "--full-export"])).ExitCode); // only with a preview
    }

    [Fact]
    public async Task A_second_migrate_follows_the_first_the_preview_against_the_run_writes_nothing_and_runs_and_report_show_the_chain()
    {
        WriteExports();
        var first = await _cli.RunAsync(NoZepKey, ["migrate", Older, "--source", "clinic", "--json"]);
        output.WriteLine(first.Output + first.Error);
        Assert.Equal(0, first.ExitCode);
        var firstId = first.Json.GetProperty("runId").GetString()!;
        Assert.Equal("clinic", first.Json.GetProperty("sync").GetProperty("source").GetString());
        var zepState = Path.Combine(_cli.WorkingDirectory, "pixelated-zep-emulator.json");
        var zepBefore = await File.ReadAllBytesAsync(zepState);

        var preview = await _cli.RunAsync(NoZepKey, ["inspect", Newer, "--diff-against", firstId, "--json"]);
        output.WriteLine(preview.Output + preview.Error);
        Assert.Equal(0, preview.ExitCode);
        Assert.Equal(((1, 1, 1, 1), 2), Counts(preview.Json, "u1"));
        Assert.Equal([firstId], preview.Json.GetProperty("runs").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(zepBefore, await File.ReadAllBytesAsync(zepState));
        Assert.Single((await _cli.RunAsync(NoZepKey, ["runs", "--json"])).Json.EnumerateArray());
        Assert.Equal(1, (await _cli.RunAsync(NoZepKey, ["inspect", Newer, "--diff-against", Guid.NewGuid().ToString()])).ExitCode);

        var second = await _cli.RunAsync(NoZepKey, ["migrate", Newer, "--source", "clinic", "--full-export", "--propagate-deletes", "--json"]);
        output.WriteLine(second.Output + second.Error);
        var secondId = second.Json.GetProperty("runId").GetString()!;
        var sync = second.Json.GetProperty("sync");
        Assert.Equal((firstId, true, true), (sync.GetProperty("previousRunId").GetString(), sync.GetProperty("fullExport").GetBoolean(),
            sync.GetProperty("propagateDeletes").GetBoolean()));

        var runs = (await _cli.RunAsync(NoZepKey, ["runs", "--json"])).Json.EnumerateArray().ToDictionary(r => r.GetProperty("runId").GetString()!);
        Assert.Equal("clinic", runs[secondId].GetProperty("source").GetString());
        Assert.Equal(firstId, runs[secondId].GetProperty("previousRunId").GetString());
        Assert.Equal(JsonValueKind.Null, runs[firstId].GetProperty("previousRunId").ValueKind);
        Assert.True(runs[secondId].GetProperty("sourceLagSeconds").GetDouble() >= 0);
        var table = await _cli.RunAsync(NoZepKey, ["runs"]);
        output.WriteLine(table.Output);
        Assert.Contains(table.Output.Split('\n'), l => l.Contains("clinic") && l.Contains("(first sync)") && l.Contains(firstId));
        // The sources table: clinic, 2 finished syncs, the last one, when, and the lag in seconds.
        Assert.Contains(table.Output.Split('\n'), l => l.Replace(" ", "").StartsWith($"│clinic│2│{secondId}│", StringComparison.Ordinal)
                                                        && System.Text.RegularExpressions.Regex.IsMatch(l, @"│ \d+ s\s*│\s*$"));

        var report = await _cli.RunAsync(NoZepKey, ["report", "--run", secondId]);
        output.WriteLine(report.Output);
        Assert.Contains($"source clinic  after run {firstId} (full export, propagate deletes)", report.Output);
        var reportJson = await _cli.RunAsync(NoZepKey, ["report", "--run", secondId, "--format", "json"]);
        Assert.Equal(JsonValueKind.Array, reportJson.Json.GetProperty("sync").GetProperty("deletedInZep").ValueKind);
    }

    [Fact]
    public async Task A_source_with_control_characters_is_refused_before_the_run_starts()
    {
        WriteExports();
        var refused = await _cli.RunAsync(NoZepKey, ["migrate", Older, "--source", "bad\u0007name"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--source", refused.Error);
        Assert.False(File.Exists(Path.Combine(_cli.WorkingDirectory, "pixelated-migration.db")));
    }

    private static ((int New, int Changed, int Unchanged, int Deleted) Memories, int NewMessages) Counts(JsonElement diff, string user)
    {
        var line = diff.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("user").GetString() == user);
        var m = line.GetProperty("memories");
        return ((m.GetProperty("new").GetInt32(), m.GetProperty("changed").GetInt32(), m.GetProperty("unchanged").GetInt32(), m.GetProperty("deleted").GetInt32()),
            line.GetProperty("messages").GetProperty("new").GetInt32());
    }

    private void WriteExports()
    {
        Directory.CreateDirectory(Older);
        Directory.CreateDirectory(Newer);
        File.WriteAllText(Path.Combine(Older, "listing.json"), Page(Memory(1, "one"), Memory(2, "two"), Memory(3, "three"), Memory(5, "five", "u2")));
        File.WriteAllText(Path.Combine(Older, "history.json"), JsonSerializer.Serialize(new[] { History("h1", "m1", "ADD", ("user", "hi"), ("assistant", "hello")) }));
        File.WriteAllText(Path.Combine(Newer, "listing.json"), Page(Memory(1, "one, changed"), Memory(2, "two"), Memory(4, "four"), Memory(5, "five", "u2")));
        File.WriteAllText(Path.Combine(Newer, "history.json"), JsonSerializer.Serialize(new[]
        {
            History("h1", "m1", "ADD", ("user", "hi"), ("assistant", "hello")),
            History("h2", "m4", "ADD", ("user", "more"), ("assistant", "sure")),
            History("h3", "m3", "DELETE"),
        }));
    }

    private static Dictionary<string, object?> Memory(int i, string text, string user = "u1") => new()
    {
        ["id"] = $"m{i}", ["memory"] = text, ["user_id"] = user, ["created_at"] = $"2026-01-0{i}T10:00:00Z", ["metadata"] = null, ["categories"] = Array.Empty<string>(),
    };

    private static Dictionary<string, object?> History(string id, string memoryId, string @event, params (string Role, string Content)[] input) => new()
    {
        ["id"] = id, ["memory_id"] = memoryId, ["input"] = input.Select(m => new { role = m.Role, content = m.Content }).ToArray(),
        ["old_memory"] = @event == "DELETE" ? "three" : null, ["new_memory"] = @event == "DELETE" ? null : "x", ["user_id"] = "u1",
        ["session_id"] = "s1", ["categories"] = Array.Empty<string>(), ["event"] = @event, ["metadata"] = null, ["created_at"] = "2026-01-07T10:00:00Z",
    };

    private static string Page(params object[] results) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["count"] = results.Length, ["next"] = null, ["previous"] = null, ["results"] = results });

    public void Dispose()
    {
        _cli.Dispose();
        try { Directory.Delete(_exports, recursive: true); } catch (IOException) { }
    }
}
