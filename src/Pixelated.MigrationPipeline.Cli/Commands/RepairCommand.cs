using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Repair;
using Pixelated.MigrationPipeline.Components.Runs;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>repair --run ID [--dry-run] [--json]</c>: for each user of the run, deletes the episodes Zep holds more than once under
/// one of our keys (the oldest kept) and lists duplicated messages with their uuids (Zep v3 cannot delete one message).
/// Audited as done by <c>cli</c>. Exit 0 when Zep holds no duplicate afterwards, 3 when duplicated messages remain (or, in a
/// dry run, when there is anything to repair).
/// </summary>
public static class RepairCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = CommonOptions.Run();
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be deleted; delete nothing" };
        var bus = CommonOptions.Bus();
        var json = CommonOptions.Json();
        var verbose = CommonOptions.Verbose();
        var command = new Command("repair", "Delete duplicated episodes Zep holds under a run's keys (the oldest kept) and list duplicated messages")
            { run, dryRun, bus, json, verbose };
        command.SetAction((result, ct) => CliSession.WithPipelineAsync(result.GetValue(bus)!, result.GetValue(verbose), error, async (services, token) =>
        {
            var runId = result.GetValue(run);
            await using var scope = services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<RunRepairService>().RepairAsync(runId, result.GetValue(dryRun), token);
            var code = report is null ? ExitCodes.CouldNotRun
                : report.DuplicatedMessages > 0 || report.EpisodesToDelete > 0 ? ExitCodes.FinishedWithErrors : ExitCodes.Success;
            await scope.ServiceProvider.GetRequiredService<AuditTrail>().RecordAsync(Actor.CommandLine, "migration.repair", runId, report?.Summary, code, token);
            if (report is null)
            {
                await error.WriteLineAsync($"error: run {runId} not found");
                return code;
            }
            if (result.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(report, Json));
            else Print(report, output);
            return code;
        }, ct));
        return command;
    }

    private static void Print(RepairReport report, TextWriter output)
    {
        var console = TableConsole.For(output);
        console.MarkupLine($"[bold]Repair of run[/] {report.RunId}: {Markup.Escape(report.Summary)}");
        if (report.Lines.Count == 0) return;
        var table = new Table().AddColumns("user", "kind", "key", "mem0 id", "kept", "duplicates", "action");
        foreach (var l in report.Lines)
            table.AddRow(Markup.Escape(l.User), l.Kind, l.Key, Markup.Escape(l.SourceId ?? ""), l.KeptUuid, Markup.Escape(string.Join(' ', l.DuplicateUuids)), l.Action);
        console.Write(table);
    }
}
