namespace Pixelated.MigrationPipeline.Cli;

public static class ExitCodes
{
    /// <summary>Every user verified.</summary>
    public const int Success = 0;
    /// <summary>The run could not run (bad arguments, unreachable services); the message says why.</summary>
    public const int CouldNotRun = 1;
    /// <summary>The action does not apply to the run in its current state (e.g. pausing a finished run).</summary>
    public const int Refused = 2;
    /// <summary>The run finished with failed items, failed users or validation mismatches.</summary>
    public const int FinishedWithErrors = 3;

    /// <summary>The exit code of a finished run: 0 when it completed cleanly (or planned cleanly, for a dry run), else 3.</summary>
    public static int For(Components.Runs.RunReport report) =>
        report.Status is Ledger.Entities.RunStatus.Completed or Ledger.Entities.RunStatus.DryRunCompleted ? Success : FinishedWithErrors;
}
