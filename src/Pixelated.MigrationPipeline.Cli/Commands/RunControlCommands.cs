using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>pause|cancel --run ID [--reason R]</c> change the ledger (the workers see it before their next user);
/// <c>resume|retry --run ID</c> set the run going again and, like <c>migrate</c>, host the pipeline until it ends.
/// Every action is written to the audit log as done by <c>cli</c>.
/// </summary>
public static class RunControlCommands
{
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Halt("pause", "Stop dispatching new users of a run; users in flight finish", (h, id, reason, ct) => h.PauseAsync(id, reason, ct), output, error);
        yield return Halt("cancel", "Cancel a run: users not yet migrated are cancelled (reason kept); users in flight finish", (h, id, reason, ct) => h.CancelAsync(id, reason, ct), output, error);
        yield return Restart("resume", "Resume a paused or interrupted run and wait for it to end", (c, id, ct) => c.ResumeAsync(id, ct), output, error);
        yield return Restart("retry", "Send a run's failed and mismatched users again and wait for it to end", (c, id, ct) => c.RetryAsync(id, ct), output, error);
    }

    private static Command Halt(string name, string description, Func<RunHalts, Guid, string?, CancellationToken, Task<ControlResult>> act,
        TextWriter output, TextWriter error)
    {
        var run = CommonOptions.Run();
        var reason = CommonOptions.Reason();
        var bus = CommonOptions.Bus();
        var command = new Command(name, description) { run, reason, bus };
        command.SetAction((result, ct) => CliSession.WithLedgerAsync(result.GetValue(bus)!, error, async (services, token) =>
        {
            var runId = result.GetValue(run);
            var outcome = await act(services.GetRequiredService<RunHalts>(), runId, result.GetValue(reason), token);
            return await ConcludeAsync(services, name, runId, outcome, output, error, token);
        }, ct));
        return command;
    }

    private static Command Restart(string name, string description, Func<RunControlService, Guid, CancellationToken, Task<ControlResult>> act,
        TextWriter output, TextWriter error)
    {
        var run = CommonOptions.Run();
        var bus = CommonOptions.Bus();
        var json = CommonOptions.Json();
        var timeout = CommonOptions.Timeout();
        var verbose = CommonOptions.Verbose();
        var command = new Command(name, description) { run, bus, json, timeout, verbose };
        command.SetAction((result, ct) => CliSession.WithPipelineAsync(result.GetValue(bus)!, result.GetValue(verbose), error, async (services, token) =>
        {
            var runId = result.GetValue(run);
            await using (var scope = services.CreateAsyncScope())
            {
                var outcome = await act(scope.ServiceProvider.GetRequiredService<RunControlService>(), runId, token);
                var code = await ConcludeAsync(scope.ServiceProvider, name, runId, outcome, TextWriter.Null, error, token);
                if (code != ExitCodes.Success) return code;
                await error.WriteLineAsync(outcome.Message);
            }
            var report = await LiveProgress.ShowAsync(!result.GetValue(json), observe =>
                RunWatcher.WaitAsync(services, runId, RunWatcher.Deadline(result.GetValue(timeout)), observe, token));
            return await RunOutcome.ReportAsync(report, runId, result.GetValue(json), output, error);
        }, ct));
        return command;
    }

    /// <summary>Audits the action, prints what happened, and maps the outcome to an exit code.</summary>
    internal static async Task<int> ConcludeAsync(IServiceProvider services, string action, Guid runId, ControlResult outcome, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        var code = outcome.Outcome switch
        {
            ControlOutcome.Done => ExitCodes.Success,
            ControlOutcome.NotFound => ExitCodes.CouldNotRun,
            _ => ExitCodes.Refused,
        };
        await services.GetRequiredService<AuditTrail>().RecordAsync(Actor.CommandLine, $"migration.{action}", runId, null, code, ct);
        if (outcome.Outcome == ControlOutcome.Done) await output.WriteLineAsync(outcome.Message);
        else await error.WriteLineAsync($"error: {outcome.Message}");
        return code;
    }
}
