using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Sync;
using Pixelated.MigrationPipeline.Ledger;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// The preview of a sync: <c>inspect OLD NEW --diff</c> (two exports, each a file or a folder) or <c>inspect NEW...
/// --diff-against RUN</c> (the export against what run RUN and the syncs before it left in Zep, from the ledger). Per mem0
/// user: memories new / changed / unchanged / deleted (and not in the export, without <c>--full-export</c>), messages new
/// (<see cref="ExportDiff"/>). Writes nothing to Zep or the ledger. Prints user ids and counts only, never content.
/// Exit code 0 when both sides were read without problems, 3 when records could not be read, 1 when it could not run.
/// </summary>
internal static class InspectDiff
{
    public static async Task<int> TwoExportsAsync(string older, string newer, string? assignUser, bool fullExport, bool json,
        TextWriter output, CancellationToken ct)
    {
        var before = await ExportDiffSides.FromExportAsync([older], assignUser, ct);
        var after = await ExportDiffSides.FromExportAsync([newer], assignUser, ct);
        return Print(ExportDiff.Compare(before, after, fullExport), Path.GetFileName(Path.GetFullPath(older).TrimEnd('/')),
            Path.GetFileName(Path.GetFullPath(newer).TrimEnd('/')), null, json, output);
    }

    public static Task<int> AgainstRunAsync(IReadOnlyList<string> newer, Guid runId, string? assignUser, bool fullExport, bool json, string bus,
        TextWriter output, TextWriter error, CancellationToken ct) =>
        CliSession.WithLedgerAsync(bus, error, async (services, token) =>
        {
            var run = await ExportDiffSides.FromRunAsync(services.GetRequiredService<LedgerDbContext>(), runId, token);
            if (run is null)
            {
                await error.WriteLineAsync($"error: no run {runId} in the ledger");
                return ExitCodes.CouldNotRun;
            }
            if (run.DryRun)
            {
                await error.WriteLineAsync($"error: run {runId} is a dry run: it wrote nothing to Zep to compare with");
                return ExitCodes.CouldNotRun;
            }
            var after = await ExportDiffSides.FromExportAsync(newer, assignUser, token);
            var label = string.Join(", ", newer.Select(p => Path.GetFileName(Path.GetFullPath(p).TrimEnd('/'))));
            return Print(ExportDiff.Compare(run.Side, after, fullExport), $"run {runId}", label, run, json, output);
        }, ct);

    private static int Print(ExportDiffResult diff, string older, string newer, ExportDiffRunSide? run, bool json, TextWriter output)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                older, newer,
                runs = run?.Chain, source = run?.SourceName,
                diff.FullExport, diff.HasChanges,
                problems = new { older = diff.OlderProblems, newer = diff.NewerProblems },
                totals = Line(diff.Totals),
                users = diff.Users.Select(Line),
            }, ReportPrinter.Json));
        }
        else
        {
            var console = TableConsole.For(output);
            console.MarkupLine($"[bold]Sync preview[/] {Markup.Escape(older)} -> {Markup.Escape(newer)}" +
                               (run is { Chain.Count: > 1 } ? $" (with the {run.Chain.Count - 1} sync(s) before the run)" : "") +
                               (diff.FullExport ? "  full export: absent memories count as deleted" : ""));
            var table = new Table().AddColumns("user", "memories new", "changed", "unchanged", "deleted", "not in export", "messages new");
            foreach (var u in diff.Users.Append(diff.Totals))
                table.AddRow(Markup.Escape(u.User), $"{u.MemoriesNew}", $"{u.MemoriesChanged}", $"{u.MemoriesUnchanged}", $"{u.MemoriesDeleted}",
                    $"{u.MemoriesNotInExport}", $"{u.MessagesNew}");
            console.Write(table);
            if (diff.OlderProblems + diff.NewerProblems > 0)
                console.MarkupLine($"[red]problems[/] {diff.OlderProblems} unreadable record(s) in the older side, {diff.NewerProblems} in the newer (inspect each export for details)");
            console.MarkupLine(diff.HasChanges
                ? "A migrate of the newer export writes the new and changed items only (and, with --propagate-deletes, deletes the deleted memories' episodes)."
                : "Nothing changed: a migrate of the newer export would write nothing.");
        }
        return diff.OlderProblems + diff.NewerProblems == 0 ? ExitCodes.Success : ExitCodes.FinishedWithErrors;
    }

    private static object Line(UserDiff u) => new
    {
        user = u.User,
        memories = new { @new = u.MemoriesNew, changed = u.MemoriesChanged, unchanged = u.MemoriesUnchanged, deleted = u.MemoriesDeleted, notInExport = u.MemoriesNotInExport },
        messages = new { @new = u.MessagesNew, unchanged = u.MessagesUnchanged },
    };
}
