using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

/// <summary>
/// What a run started by path opens once its folder is expanded: only regular files whose real path lies inside the drop
/// folder; links leading out, link loops and FIFOs are failed items with the reason, unopened. Logs never name files.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class Reading_only_safe_files(ApiHost api)
{
    [Fact]
    public async Task Links_inside_a_folder_that_lead_out_are_failed_items_and_the_outside_files_are_never_opened()
    {
        var prefix = Exports.Prefix();
        var outside = Path.Combine(api.Root, "outside-" + prefix);
        Directory.CreateDirectory(Path.Combine(outside, "dir"));
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.json"), Exports.Platform(prefix + "-out", users: 1));
        await File.WriteAllTextAsync(Path.Combine(outside, "dir", "more.json"), Exports.Platform(prefix + "-outdir", users: 1));
        Mkfifo(Path.Combine(outside, "pipe.json")); // opening it would block the run: proves the link is never followed
        var folder = Path.Combine(api.DropFolder, prefix);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "good.json"), Exports.Platform(prefix, users: 1));
        File.CreateSymbolicLink(Path.Combine(folder, "inner.json"), Path.Combine(outside, "secret.json"));
        File.CreateSymbolicLink(Path.Combine(folder, "passwd.json"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(folder, "pipe.json"), Path.Combine(outside, "pipe.json"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "dir"), Path.Combine(outside, "dir"));

        var runId = (await (await api.StartByPathAsync(new { path = prefix })).AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        var run = await api.WaitFinishedAsync(runId);

        Assert.Equal(4, run.GetProperty("items").GetProperty("failed").GetInt32());
        Assert.NotEmpty(api.Emulator.Store.GetEpisodes($"{prefix}-u00"));
        Assert.Empty(api.Emulator.Store.GetEpisodes($"{prefix}-out-u00"));
        Assert.Empty(api.Emulator.Store.GetEpisodes($"{prefix}-outdir-u00"));
        var reasons = await ReasonsAsync(runId);
        Assert.Equal(4, reasons.Count(r => r.Contains("leads outside the drop folder", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_loop_of_folder_links_ends_promptly_and_the_files_are_read_once()
    {
        var prefix = Exports.Prefix();
        var folder = Path.Combine(api.DropFolder, prefix);
        Directory.CreateDirectory(Path.Combine(folder, "a"));
        await File.WriteAllTextAsync(Path.Combine(folder, "a", "good.json"), Exports.Platform(prefix, users: 1));
        Directory.CreateSymbolicLink(Path.Combine(folder, "a", "back"), folder);       // a -> .. -> a ...
        Directory.CreateSymbolicLink(Path.Combine(folder, "self"), ".");               // a link to its own folder
        File.CreateSymbolicLink(Path.Combine(folder, "x.json"), Path.Combine(folder, "y.json"));
        File.CreateSymbolicLink(Path.Combine(folder, "y.json"), Path.Combine(folder, "x.json")); // a file-link loop

        var runId = (await (await api.StartByPathAsync(new { path = prefix })).AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        var run = await api.WaitFinishedAsync(runId);

        Assert.Equal(2, run.GetProperty("items").GetProperty("migrated").GetInt32());
        Assert.NotEmpty(api.Emulator.Store.GetEpisodes($"{prefix}-u00"));
        var reasons = await ReasonsAsync(runId);
        Assert.Equal(2, reasons.Count(r => r.Contains("a loop of symbolic links", StringComparison.Ordinal)));
        Assert.Equal(2, reasons.Count(r => r.Contains("folder already read", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_fifo_is_a_failed_item_unopened_and_another_run_started_meanwhile_finishes()
    {
        var prefix = Exports.Prefix();
        var folder = Path.Combine(api.DropFolder, prefix);
        Directory.CreateDirectory(folder);
        Mkfifo(Path.Combine(folder, "a-pipe.json"));
        await File.WriteAllTextAsync(Path.Combine(folder, "b-good.json"), Exports.Platform(prefix, users: 1));
        var other = Exports.Prefix();
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, other + ".json"), Exports.Platform(other, users: 1));

        var runId = (await (await api.StartByPathAsync(new { path = prefix })).AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        var otherId = (await (await api.StartByPathAsync(new { path = other + ".json" })).AssertAcceptedAsync()).GetProperty("runId").GetGuid();

        Assert.Equal("completed", (await api.WaitFinishedAsync(otherId)).GetProperty("status").GetString());
        var run = await api.WaitFinishedAsync(runId);
        Assert.Equal(1, run.GetProperty("items").GetProperty("failed").GetInt32());
        Assert.NotEmpty(api.Emulator.Store.GetEpisodes($"{prefix}-u00"));
        Assert.Contains(await ReasonsAsync(runId), r => r.Contains("not a regular file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_name_a_file_by_its_position_never_by_its_name()
    {
        var prefix = Exports.Prefix();
        var name = $"Jane-Q-Patientname-{prefix}";
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, name + ".json"), Exports.Platform(prefix, users: 1, withBadRecord: true));

        var runId = (await (await api.StartByPathAsync(new { path = name + ".json" })).AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        var run = await api.WaitFinishedAsync(runId);

        Assert.Equal(1, run.GetProperty("items").GetProperty("failed").GetInt32());
        Assert.Contains(await ReasonsAsync(runId), r => r.Contains(name, StringComparison.Ordinal)); // the report keeps it for operators
        Assert.Contains(api.Logs.Lines, l => l.Contains("file #1", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Logs.Lines, l => l.Contains("Patientname", StringComparison.Ordinal));
    }

    private async Task<List<string>> ReasonsAsync(Guid runId)
    {
        var report = await api.Operator().GetFromJsonAsync<JsonElement>($"api/v1/migrations/{runId}/report");
        return report.GetProperty("problems").EnumerateArray().Select(p => p.GetRawText()).ToList();
    }

    private static void Mkfifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
