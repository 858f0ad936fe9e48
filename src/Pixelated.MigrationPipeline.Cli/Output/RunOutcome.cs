using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Cli.Output;

/// <summary>Prints the report a command waited for and turns it into the exit code.</summary>
public static class RunOutcome
{
    public static async Task<int> ReportAsync(RunReport? report, Guid runId, bool json, TextWriter output, TextWriter error)
    {
        if (report is null)
        {
            await error.WriteLineAsync($"error: no run {runId} in the ledger");
            return ExitCodes.CouldNotRun;
        }
        if (json) ReportPrinter.PrintJson(report, output, full: false);
        else ReportPrinter.PrintTable(report, output);
        if (report.IsFinished) return ExitCodes.For(report);
        await error.WriteLineAsync($"run {runId} is {ReportPrinter.StatusWord(report.Status)}; it goes on where it is (see 'report --run {runId}', 'resume --run {runId}')");
        return report.Status == RunStatus.Paused ? ExitCodes.FinishedWithErrors : ExitCodes.CouldNotRun;
    }
}
