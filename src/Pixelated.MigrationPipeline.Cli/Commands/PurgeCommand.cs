using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Components.Retention;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>purge --run ID [--json]</c>: removes the payload (content, speaker names, categories, metadata) every item of a finished
/// run still holds in the ledger; keys and hashes stay. Audited as <c>migration.purge</c> by <c>cli</c>, with counts only.
/// Exit 0 done, 2 the run is not finished (its content is still needed), 1 the run is unknown.
/// </summary>
public static class PurgeCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = CommonOptions.Run();
        var bus = CommonOptions.Bus();
        var json = CommonOptions.Json();
        var command = new Command("purge", "Remove the content a finished run's items still hold in the ledger (keys and hashes are kept)")
            { run, bus, json };
        command.SetAction((result, ct) => CliSession.WithLedgerAsync(result.GetValue(bus)!, error, async (services, token) =>
        {
            var runId = result.GetValue(run);
            var outcome = await services.GetRequiredService<RunPurgeService>().PurgeAsync(runId, token);
            var code = outcome.Outcome switch
            {
                ControlOutcome.Done => ExitCodes.Success,
                ControlOutcome.NotFound => ExitCodes.CouldNotRun,
                _ => ExitCodes.Refused,
            };
            await services.GetRequiredService<AuditTrail>().RecordAsync(Actor.CommandLine, "migration.purge", runId,
                outcome.Report?.Summary, code, token);
            if (outcome.Report is null) await error.WriteLineAsync($"error: {outcome.Message}");
            else if (result.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(outcome.Report, Json));
            else await output.WriteLineAsync($"Run {runId}: {outcome.Report.Summary}");
            return code;
        }, ct));
        return command;
    }
}
