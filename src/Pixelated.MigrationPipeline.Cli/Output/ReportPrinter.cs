using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Output;

/// <summary>Prints a <see cref="RunReport"/> as tables or as one JSON object.</summary>
public static class ReportPrinter
{
    /// <summary>The CLI's JSON: statuses (and every other enum) by their snake_case wire names, as the API's.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { StatusNames.JsonConverter() } };

    /// <summary>The status word of every output: <c>completed</c>, <c>completed_with_errors</c>, <c>verified</c>, ... (<see cref="StatusNames"/>).</summary>
    public static string StatusWord<TStatus>(TStatus status) where TStatus : struct, Enum => StatusNames.ToWire(status);

    public static void PrintJson(RunReport report, TextWriter output, bool full)
    {
        var summary = new Dictionary<string, object?>
        {
            ["runId"] = report.RunId,
            ["status"] = StatusWord(report.Status),
            ["dryRun"] = report.DryRun,
            ["statusReason"] = report.StatusReason,
            ["users"] = new
            {
                total = report.Users.Total, verified = report.Users.Verified, failed = report.Users.Failed, skipped = report.Users.Skipped,
                mismatched = report.Users.Mismatched, cancelled = report.Users.Cancelled, inProgress = report.Users.InProgress,
            },
            ["items"] = new { total = report.Items.Total, migrated = report.Items.Migrated, skipped = report.Items.Skipped, failed = report.Items.Failed, pending = report.Items.Pending },
            ["zepRequests"] = report.ZepRequests,
            ["adoptedUnits"] = report.AdoptedUnits,
            ["updatedUsers"] = report.UpdatedUsers,
            ["durationSeconds"] = report.Progress.ElapsedSeconds,
            ["itemsPerSecond"] = report.Progress.ItemsPerSecond,
            ["rerun"] = new { usersToRetry = report.Rerun.UsersToRetry, usersUnfinished = report.Rerun.UsersUnfinished, itemsToWrite = report.Rerun.ItemsToWrite, summary = report.Rerun.Summary },
            ["sync"] = SyncJson(report.Sync, full),
        };
        if (full)
        {
            summary["startedVia"] = report.StartedVia;
            summary["requestedBy"] = report.RequestedBy;
            summary["progress"] = report.Progress;
            summary["createdAt"] = report.CreatedAt;
            summary["finishedAt"] = report.FinishedAt;
            summary["userLines"] = report.UserLines;
            summary["problems"] = report.Problems;
            summary["findings"] = report.Findings;
        }
        output.WriteLine(JsonSerializer.Serialize(summary, Json));
    }

    /// <summary>
    /// The run as a sync, as the API's report has it (<see cref="SyncFigures"/>): source, previous run, choices, the source's lag
    /// and the counts by change, and how many items' episodes the run deleted in Zep; with <paramref name="full"/> also those
    /// items (user and item key).
    /// </summary>
    private static Dictionary<string, object?> SyncJson(SyncFigures sync, bool full)
    {
        var json = new Dictionary<string, object?>
        {
            ["source"] = sync.Source,
            ["previousRunId"] = sync.PreviousRunId,
            ["fullExport"] = sync.FullExport,
            ["propagateDeletes"] = sync.PropagateDeletes,
            ["lag"] = sync.Lag,
            ["memories"] = sync.Memories,
            ["messages"] = sync.Messages,
            ["episodesDeletedInZep"] = sync.DeletedInZep.Count,
        };
        if (full) json["deletedInZep"] = sync.DeletedInZep;
        return json;
    }

    public static void PrintTable(RunReport report, TextWriter output)
    {
        var console = TableConsole.For(output);
        var duration = $"{report.Progress.ElapsedSeconds:0.0} s" + (report.IsFinished ? "" : " so far");
        console.MarkupLine($"[bold]Run[/] {report.RunId}  [bold]status[/] {Markup.Escape(StatusWord(report.Status))}{(report.DryRun ? " (dry run)" : "")}" +
                           $"{(report.StatusReason is { } why ? $" ({Markup.Escape(why)})" : "")}  [bold]duration[/] {duration}  " +
                           $"[bold]throughput[/] {report.Progress.ItemsPerSecond:0.#} items/s  [bold]Zep requests[/] {report.ZepRequests}");

        var totals = new Table().AddColumns("", "total", "verified / migrated", "skipped", "failed");
        totals.AddRow("users", $"{report.Users.Total}", $"{report.Users.Verified}", $"{report.Users.Skipped}", $"{report.Users.Failed}");
        if (report.Users.Cancelled > 0 || report.Users.InProgress > 0)
            totals.AddRow("users cancelled / in progress", "", "", "", $"{report.Users.Cancelled} / {report.Users.InProgress}");
        totals.AddRow("items", $"{report.Items.Total}", $"{report.Items.Migrated}", $"{report.Items.Skipped}", $"{report.Items.Failed}");
        console.Write(totals);
        if (report.AdoptedUnits > 0)
            console.MarkupLine($"[bold]reconciled[/] {report.AdoptedUnits} write unit(s) were already in Zep under their keys and were adopted, not written again");

        if (report.UpdatedUsers > 0)
            console.MarkupLine($"[bold]updated[/] {report.UpdatedUsers} existing Zep user(s) to the planned role and profile (--update-users)");
        PrintSync(report, console);

        // The Zep id beside the mem0 id only where they differ (users file or --user-prefix), so a mapping is seen at a glance.
        var mapped = report.UserLines.Any(u => u.ZepUserId is { } z && z != u.User);
        string[] headers = mapped ? ["user", "zep user", "role", "status", "items", "note"] : ["user", "role", "status", "items", "note"];
        var users = new Table().AddColumns(headers);
        foreach (var u in report.UserLines)
        {
            var note = u.Updated ? string.Join("; ", new[] { "updated in Zep", u.Error }.Where(n => n is not null)) : u.Error ?? "";
            string[] cells = mapped
                ? [Markup.Escape(u.User), Markup.Escape(u.ZepUserId is { } z && z != u.User ? z : ""), Markup.Escape(u.Role ?? ""), StatusWord(u.Status), $"{u.Items}", Markup.Escape(note)]
                : [Markup.Escape(u.User), Markup.Escape(u.Role ?? ""), StatusWord(u.Status), $"{u.Items}", Markup.Escape(note)];
            users.AddRow(cells);
        }
        console.Write(users);

        if (report.Problems.Count > 0)
        {
            var problems = new Table().AddColumns("status", "user", "item", "reason");
            foreach (var p in report.Problems)
                problems.AddRow(StatusWord(p.Status), Markup.Escape(p.User), Markup.Escape(p.ItemKey), Markup.Escape(p.Reason ?? ""));
            console.Write(problems);
        }
        if (report.Findings.Count > 0)
        {
            var findings = new Table().AddColumns("user", "item", "finding", "field");
            foreach (var f in report.Findings) findings.AddRow(Markup.Escape(f.User), Markup.Escape(f.ItemKey), f.Kind, f.Field);
            console.Write(findings);
        }
        if (report.Sync.DeletedInZep.Count > 0)
        {
            var deleted = new Table().AddColumns("user", "item deleted in the source: episodes deleted in Zep");
            foreach (var d in report.Sync.DeletedInZep) deleted.AddRow(Markup.Escape(d.User), Markup.Escape(d.ItemKey));
            console.Write(deleted);
        }
        console.MarkupLine($"[bold]A rerun would do:[/] {Markup.Escape(report.Rerun.Summary)}");
    }

    /// <summary>Two lines: the run's place in its source's chain of syncs with the lag, and its memories and messages by change.</summary>
    private static void PrintSync(RunReport report, IAnsiConsole console)
    {
        var sync = report.Sync;
        if (sync.Source is null) return;
        var after = sync.PreviousRunId is { } p ? $"after run {p}" : report.DryRun ? "dry run" : "first sync";
        var choices = string.Join(", ", new[] { sync.FullExport ? "full export" : null, sync.PropagateDeletes ? "propagate deletes" : null }.Where(c => c is not null));
        var lag = sync.Lag is { LastSyncRunId: { } last } l
            ? $"last finished sync {(last == report.RunId ? "this run" : last.ToString())}, lag {LagText.Of(l.LagSeconds)}"
            : "no finished sync yet";
        console.MarkupLine($"[bold]source[/] {Markup.Escape(sync.Source)}  {after}{(choices.Length > 0 ? $" ({choices})" : "")}  {lag}");
        var m = sync.Memories;
        if (m.New + m.Changed + m.Unchanged + m.Deleted + sync.Messages.New + sync.Messages.Unchanged == 0) return; // not compared (yet)
        console.MarkupLine($"[bold]memories[/] new {m.New} / changed {m.Changed} / unchanged {m.Unchanged} / deleted in the source {m.Deleted}" +
                           $" ({sync.DeletedInZep.Count} deleted in Zep)  [bold]messages[/] new {sync.Messages.New} / unchanged {sync.Messages.Unchanged}");
    }
}
