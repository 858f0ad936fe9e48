using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Runs;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>runs [--last N] [--json]</c>: the most recent runs with their status, progress, source and the sync each followed;
/// then, per source, its chain of syncs: how many finished, the last one and the lag (time since it finished).
/// With <c>--json</c>, an array of runs, each with its source's lag (<c>sourceLagSeconds</c>, null before a sync finished).
/// </summary>
public static class RunsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var last = new Option<int>("--last") { Description = "How many runs", DefaultValueFactory = _ => 20 };
        var json = CommonOptions.Json();
        var bus = CommonOptions.Bus();
        var command = new Command("runs", "List the most recent runs and, per source, the time since its last finished sync") { last, json, bus };
        command.SetAction((result, ct) => CliSession.WithLedgerAsync(result.GetValue(bus)!, error, async (services, token) =>
        {
            var listing = await services.GetRequiredService<RunReportQuery>().ListWithSourcesAsync(Math.Max(result.GetValue(last), 1), token);
            var lags = listing.Sources.ToDictionary(s => s.Source, StringComparer.Ordinal);
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(listing.Runs.Select(r => new
                {
                    runId = r.RunId, status = ReportPrinter.StatusWord(r.Status), dryRun = r.DryRun, startedVia = r.StartedVia,
                    createdAt = r.CreatedAt, finishedAt = r.FinishedAt, users = r.Users, usersSettled = r.UsersSettled, zepRequests = r.ZepRequests,
                    source = r.Source, previousRunId = r.PreviousRunId,
                    sourceLagSeconds = r.Source is { } s && lags.TryGetValue(s, out var lag) ? lag.LagSeconds : null,
                }), ReportPrinter.Json));
                return ExitCodes.Success;
            }
            var console = TableConsole.For(output);
            var table = new Table().AddColumns("run", "status", "started", "via", "users", "Zep requests", "source", "after run");
            foreach (var r in listing.Runs)
                table.AddRow(r.RunId.ToString(), ReportPrinter.StatusWord(r.Status) + (r.DryRun ? " (dry run)" : ""), r.CreatedAt.ToString("u"),
                    r.StartedVia, $"{r.UsersSettled}/{r.Users}", $"{r.ZepRequests}", Markup.Escape(r.Source ?? ""),
                    r.PreviousRunId is { } p ? p.ToString() : r.DryRun || r.Source is null ? "" : "(first sync)");
            console.Write(table);
            if (listing.Sources.Count > 0)
            {
                var sources = new Table().AddColumns("source", "finished syncs", "last sync", "finished", "lag");
                foreach (var s in listing.Sources)
                    sources.AddRow(Markup.Escape(s.Source), $"{s.Syncs}", s.LastSyncRunId?.ToString() ?? "", s.LastSyncFinishedAt?.ToString("u") ?? "",
                        LagText.Of(s.LagSeconds));
                console.Write(sources);
            }
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
