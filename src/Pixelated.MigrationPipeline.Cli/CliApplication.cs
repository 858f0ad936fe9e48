using System.CommandLine;
using Pixelated.MigrationPipeline.Cli.Commands;

namespace Pixelated.MigrationPipeline.Cli;

/// <summary>The <c>pixelated-migrate</c> command line. Output writers are parameters so tests can run it in-process.</summary>
public static class CliApplication
{
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("pixelated-migrate: moves a clinic's AI memory from mem0 exports into Zep, exactly once, and proves it.")
        {
            MigrateCommand.Create(output, error),
            ReportCommand.Create(output, error),
            InspectCommand.Create(output, error),
            ValidateCommand.Create(output, error),
            RunsCommand.Create(output, error),
            RepairCommand.Create(output, error),
            PurgeCommand.Create(output, error),
        };
        foreach (var command in RunControlCommands.Create(output, error)) root.Subcommands.Add(command);
        var config = new InvocationConfiguration { Output = output, Error = error };
        return root.Parse(args).InvokeAsync(config);
    }
}
