using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.Cli.Hosting;
using Pixelated.MigrationPipeline.Cli.Output;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary><c>report --run &lt;id&gt; [--format table|json] [--bus inmemory|rabbitmq]</c>: prints a run's report from the ledger.</summary>
public static class ReportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Option<Guid>("--run") { Description = "The run id", Required = true };
        var format = new Option<string>("--format") { Description = "table, json or csv (a row per user, per skipped/failed item, per finding)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var bus = new Option<string>("--bus") { Description = "Which ledger: inmemory mode's SQLite file, or rabbitmq mode's PostgreSQL", DefaultValueFactory = _ => "inmemory" };
        bus.AcceptOnlyFromAmong("inmemory", "rabbitmq");

        var command = new Command("report", "Print the report of a run") { run, format, bus };
        command.SetAction(async (result, ct) =>
        {
            try
            {
                var overrides = CliHost.ModeOverrides(result.GetValue(bus)!, CliConfiguration.Load());
                using var host = CliHost.BuildLedgerOnly(overrides);
                await host.StartAsync(ct);
                await using var scope = host.Services.CreateAsyncScope();
                var report = await scope.ServiceProvider.GetRequiredService<RunReportQuery>().GetAsync(result.GetValue(run), ct);
                await host.StopAsync(ct);
                if (report is null)
                {
                    await error.WriteLineAsync($"error: no run {result.GetValue(run)} in the ledger");
                    return ExitCodes.CouldNotRun;
                }
                switch (result.GetValue(format))
                {
                    case "json": ReportPrinter.PrintJson(report, output, full: true); break;
                    case "csv": await RunReportCsv.WriteAsync(report, output, ct); break;
                    default: ReportPrinter.PrintTable(report, output); break;
                }
                return ExitCodes.For(report);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await error.WriteLineAsync($"error: {CliErrors.Describe(e)}");
                return ExitCodes.CouldNotRun;
            }
        });
        return command;
    }
}
