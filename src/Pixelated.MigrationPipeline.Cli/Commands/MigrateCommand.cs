using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Telemetry;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>
/// <c>migrate &lt;file-or-folder&gt;... [--user ID]... [--session ID] [--users FILE] [--user-prefix PREFIX] [--update-users]
/// [--source NAME] [--full-export] [--propagate-deletes] [--dry-run] [--json] [--bus inmemory|rabbitmq]</c>: runs a whole migration
/// (or one user's, or one conversation's), or one sync of a source migrated before, shows its progress on a terminal, and prints its report.
/// </summary>
public static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "mem0 export files or folders", Arity = ArgumentArity.OneOrMore };
        var dryRun = new Option<bool>("--dry-run") { Description = "Parse, convert and plan; write nothing to Zep" };
        var json = CommonOptions.Json();
        var bus = CommonOptions.Bus();
        var timeout = CommonOptions.Timeout();
        var verbose = CommonOptions.Verbose();
        var assignUser = new Option<string?>("--assign-user") { Description = "User id for records of formats that carry none (plugin Markdown, OpenMemory REST, OSS history)" };
        var users = new Option<string[]>("--user") { Description = "Migrate only this user (repeatable); the others are skipped with the reason", AllowMultipleArgumentsPerToken = false };
        var session = new Option<string?>("--session") { Description = "Migrate only this conversation (session id)" };
        var cap = new Option<int?>("--max-users-in-flight") { Description = "Users of this run migrating at once (default Pipeline:MaxUsersInFlight)" };
        var usersFile = UsersOptions.UsersFile();
        var userPrefix = UsersOptions.UserPrefix();
        var updateUsers = UsersOptions.UpdateUsers();
        var source = SyncOptions.Source();
        var fullExport = SyncOptions.FullExport();
        var propagateDeletes = SyncOptions.PropagateDeletes();

        var command = new Command("migrate", "Migrate mem0 export files into Zep and print the report")
            { paths, dryRun, json, bus, timeout, verbose, assignUser, users, session, cap, usersFile, userPrefix, updateUsers, source, fullExport, propagateDeletes };
        command.SetAction((result, ct) =>
        {
            var request = new RunRequest(result.GetValue(paths)!, result.GetValue(dryRun), result.GetValue(assignUser),
                result.GetValue(users) is { Length: > 0 } u ? u : null, result.GetValue(session), result.GetValue(cap),
                UsersFile: result.GetValue(usersFile) is { Length: > 0 } f ? f : null,
                UserPrefix: result.GetValue(userPrefix) is { Length: > 0 } p ? p : null,
                UpdateUsers: result.GetValue(updateUsers),
                Source: result.GetValue(source) is { } s && !string.IsNullOrWhiteSpace(s) ? s : null,
                FullExport: result.GetValue(fullExport),
                PropagateDeletes: result.GetValue(propagateDeletes));
            return RunAsync(request, result.GetValue(bus)!, result.GetValue(json), result.GetValue(timeout), result.GetValue(verbose), output, error, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(RunRequest request, string bus, bool json, int timeoutSeconds, bool verbose, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        var missing = request.Paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            await error.WriteLineAsync($"error: not found: {string.Join(", ", missing)}");
            return ExitCodes.CouldNotRun;
        }
        if (request.Source is { } source && (source.Length > SourceNames.MaxLength || source.Any(char.IsControl)))
        {
            await error.WriteLineAsync($"error: --source must be at most {SourceNames.MaxLength} characters, without control characters");
            return ExitCodes.CouldNotRun;
        }
        if (request.MaxUsersInFlight is < 1)
        {
            await error.WriteLineAsync("error: --max-users-in-flight must be at least 1");
            return ExitCodes.CouldNotRun;
        }
        // An unreadable users file stops the run before it starts; bad rows do not (they are failed items of the run).
        if (!(await UsersOptions.CheckAsync(request.UsersFile, request.UserPrefix, error)).Ok) return ExitCodes.CouldNotRun;

        return await CliSession.WithPipelineAsync(bus, verbose, error, async (services, token) =>
        {
            // The root of the run's trace in one process: staging, every user's migration and validation are its descendants.
            using var span = PipelineTelemetry.Source.StartActivity("cli migrate");
            Guid runId;
            await using (var scope = services.CreateAsyncScope())
                runId = await scope.ServiceProvider.GetRequiredService<RunLauncher>().StartAsync(request, token);
            var report = await LiveProgress.ShowAsync(!json, observe =>
                RunWatcher.WaitAsync(services, runId, RunWatcher.Deadline(timeoutSeconds), observe, token));
            return await RunOutcome.ReportAsync(report, runId, json, output, error);
        }, ct);
    }
}
