using System.CommandLine;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>Options several commands share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Bus() => Restricted(new Option<string>("--bus")
    {
        Description = "inmemory (one process, SQLite ledger) or rabbitmq (distributed, PostgreSQL ledger)",
        DefaultValueFactory = _ => "inmemory",
    }, "inmemory", "rabbitmq");

    public static Option<Guid> Run(bool required = true) => new("--run") { Description = "The run id", Required = required };

    public static Option<bool> Json() => new("--json") { Description = "Print the result as one JSON object" };

    public static Option<int> Timeout() => new("--timeout")
    {
        Description = "Give up waiting after this many seconds (0 = wait until the run ends); the run goes on where it is",
        DefaultValueFactory = _ => 0,
    };

    public static Option<bool> Verbose() => new("--verbose") { Description = "Log progress to standard error" };

    public static Option<string?> Reason() => new("--reason") { Description = "Why (kept with the run and in the audit log)" };

    private static Option<string> Restricted(Option<string> option, params string[] values)
    {
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
