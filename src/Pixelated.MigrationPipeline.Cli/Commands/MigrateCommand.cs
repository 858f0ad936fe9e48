using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary><c>migrate &lt;file-or-folder&gt;... [--dry-run] [--json] [--bus inmemory|rabbitmq]</c>: runs a whole migration and prints its report.</summary>
public static class MigrateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths") { Description = "mem0 export files or folders", Arity = ArgumentArity.OneOrMore };
        var dryRun = new Option<bool>("--dry-run") { Description = "Parse, convert and plan; write nothing to Zep" };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object" };
        var bus = new Option<string>("--bus") { Description = "inmemory (one process) or rabbitmq (distributed)", DefaultValueFactory = _ => "inmemory" };
        bus.AcceptOnlyFromAmong("inmemory", "rabbitmq");
        var timeout = new Option<int>("--timeout") { Description = "Give up waiting after this many seconds (0 = wait until the run ends)", DefaultValueFactory = _ => 0 };
        var verbose = new Option<bool>("--verbose") { Description = "Log progress to standard error" };
        var assignUser = new Option<string?>("--assign-user") { Description = "User id for records of formats that carry none (plugin Markdown, OpenMemory REST, OSS history)" };

        var command = new Command("migrate", "Migrate mem0 export files into Zep and print the report") { paths, dryRun, json, bus, timeout, verbose, assignUser };
        command.SetAction((result, ct) => RunAsync(
            new Request(result.GetValue(paths)!, result.GetValue(dryRun), result.GetValue(json), result.GetValue(bus)!, result.GetValue(timeout), result.GetValue(verbose), result.GetValue(assignUser)),
            output, error, ct));
        return command;
    }

    private sealed record Request(string[] Paths, bool DryRun, bool Json, string Bus, int TimeoutSeconds, bool Verbose, string? AssignUserId);

    private static async Task<int> RunAsync(Request request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var missing = request.Paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            await error.WriteLineAsync($"error: not found: {string.Join(", ", missing)}");
            return ExitCodes.CouldNotRun;
        }

        var configuration = CliConfiguration.Load();
        var overrides = CliHost.ModeOverrides(request.Bus, configuration);
        try
        {
            await using var emulator = await EmbeddedZep.StartIfNeededAsync(configuration, overrides, ct);
            using var host = CliHost.BuildPipeline(overrides, request.Verbose);
            await host.StartAsync(ct);
            try
            {
                var report = await RunToEndAsync(host.Services, request, error, ct);
                if (report is null) return ExitCodes.CouldNotRun;
                if (request.Json) ReportPrinter.PrintJson(report, output, full: false);
                else ReportPrinter.PrintTable(report, output);
                if (!report.IsFinished) return ExitCodes.CouldNotRun;
                return ExitCodes.For(report);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"error: the migration could not run: {CliErrors.Describe(e)}");
            return ExitCodes.CouldNotRun;
        }
    }

    private static async Task<RunReport?> RunToEndAsync(IServiceProvider services, Request request, TextWriter error, CancellationToken ct)
    {
        Guid runId;
        await using (var scope = services.CreateAsyncScope())
            runId = await scope.ServiceProvider.GetRequiredService<RunLauncher>().StartAsync(request.Paths, request.DryRun, ct, request.AssignUserId);

        var deadline = request.TimeoutSeconds > 0 ? DateTimeOffset.UtcNow.AddSeconds(request.TimeoutSeconds) : DateTimeOffset.MaxValue;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(runId, ct);
            if (report is null || report.IsFinished) return report;
            if (DateTimeOffset.UtcNow > deadline)
            {
                await error.WriteLineAsync($"error: run {runId} did not finish within {request.TimeoutSeconds} s; it goes on where it is (see 'report --run {runId}')");
                return report;
            }
            await Task.Delay(200, ct);
        }
    }
}
