using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>validate --run ID | --user ID</c>: reads Zep back for a run's migrated users (or one user, in the latest run that
/// migrated it), records findings, and prints the report. Writes nothing to Zep.
/// </summary>
public static class ValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = CommonOptions.Run(required: false);
        var user = new Option<string?>("--user") { Description = "Validate this user only (in --run, or in the latest run that migrated it)" };
        var bus = CommonOptions.Bus();
        var json = CommonOptions.Json();
        var timeout = CommonOptions.Timeout();
        var verbose = CommonOptions.Verbose();
        var command = new Command("validate", "Read Zep back and compare it with the ledger, without writing") { run, user, bus, json, timeout, verbose };
        command.Validators.Add(r =>
        {
            if (r.GetResult(run) is null && r.GetResult(user) is null) r.AddError("give --run ID, --user ID, or both");
        });
        command.SetAction((result, ct) => CliSession.WithPipelineAsync(result.GetValue(bus)!, result.GetValue(verbose), error, async (services, token) =>
        {
            var userKey = result.GetValue(user);
            Guid runId;
            ControlResult outcome;
            var since = DateTimeOffset.UtcNow;
            await using (var scope = services.CreateAsyncScope())
            {
                var given = result.GetResult(run) is null ? (Guid?)null : result.GetValue(run);
                var found = given ?? await scope.ServiceProvider.GetRequiredService<RunReportQuery>().LatestRunOfUserAsync(userKey!, token);
                if (found is not { } id)
                {
                    await error.WriteLineAsync("error: no run migrated that user");
                    return ExitCodes.CouldNotRun;
                }
                runId = id;
                outcome = await scope.ServiceProvider.GetRequiredService<RunControlService>().RevalidateAsync(runId, userKey, token);
                var code = await RunControlCommands.ConcludeAsync(scope.ServiceProvider, "revalidate", runId, outcome, TextWriter.Null, error, token);
                if (code != ExitCodes.Success) return code;
            }
            var report = await RunWatcher.WaitAsync(services, runId, RunWatcher.Deadline(result.GetValue(timeout)), observe: null, token,
                done: async () => await ValidatedSinceAsync(services, runId, userKey, since) >= outcome.Users);
            if (report is not null && await ValidatedSinceAsync(services, runId, userKey, since) < outcome.Users)
            {
                await error.WriteLineAsync($"error: validation of run {runId} did not finish in time");
                return ExitCodes.CouldNotRun;
            }
            if (report is null) return await RunOutcome.ReportAsync(report, runId, result.GetValue(json), output, error);
            if (result.GetValue(json)) ReportPrinter.PrintJson(report, output, full: true);
            else ReportPrinter.PrintTable(report, output);
            return report.Findings.Count == 0 && report.Users.Mismatched == 0 ? ExitCodes.Success : ExitCodes.FinishedWithErrors;
        }, ct));
        return command;
    }

    private static async Task<int> ValidatedSinceAsync(IServiceProvider services, Guid runId, string? userKey, DateTimeOffset since)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunReportQuery>().CountUsersUpdatedSinceAsync(runId, userKey, since, CancellationToken.None);
    }
}
