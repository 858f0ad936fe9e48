using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Runs;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary><c>runs [--last N] [--json]</c>: the most recent runs with their status and progress.</summary>
public static class RunsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var last = new Option<int>("--last") { Description = "How many runs", DefaultValueFactory = _ => 20 };
        var json = CommonOptions.Json();
        var bus = CommonOptions.Bus();
        var command = new Command("runs", "List the most recent runs") { last, json, bus };
        command.SetAction((result, ct) => CliSession.WithLedgerAsync(result.GetValue(bus)!, error, async (services, token) =>
        {
            var runs = await services.GetRequiredService<RunReportQuery>().ListAsync(Math.Max(result.GetValue(last), 1), token);
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(runs.Select(r => new
                {
                    runId = r.RunId, status = ReportPrinter.StatusWord(r.Status), dryRun = r.DryRun, startedVia = r.StartedVia,
                    createdAt = r.CreatedAt, finishedAt = r.FinishedAt, users = r.Users, usersSettled = r.UsersSettled, zepRequests = r.ZepRequests,
                }), ReportPrinter.Json));
                return ExitCodes.Success;
            }
            var console = TableConsole.For(output);
            var table = new Table().AddColumns("run", "status", "started", "via", "users", "Zep requests");
            foreach (var r in runs)
                table.AddRow(r.RunId.ToString(), ReportPrinter.StatusWord(r.Status) + (r.DryRun ? " (dry run)" : ""), r.CreatedAt.ToString("u"),
                    r.StartedVia, $"{r.UsersSettled}/{r.Users}", $"{r.ZepRequests}");
            console.Write(table);
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
