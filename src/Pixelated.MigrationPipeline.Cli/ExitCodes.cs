namespace Pixelated.MigrationPipeline.Cli;

public static class ExitCodes
{
    /// <summary>Every user verified.</summary>
    public const int Success = 0;
    /// <summary>The run could not run (bad arguments, unreachable services); the message says why.</summary>
    public const int CouldNotRun = 1;
    /// <summary>The run finished with failed items, failed users or validation mismatches.</summary>
    public const int FinishedWithErrors = 3;
}
