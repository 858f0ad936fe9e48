using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Output;

/// <summary>
/// A console for tables written to <paramref name="output"/>: on a terminal as wide as the terminal; redirected (a file,
/// a pipe) wide enough that ids and keys stay on one line instead of the 80 columns Spectre assumes.
/// </summary>
public static class TableConsole
{
    public const int RedirectedWidth = 240;

    public static IAnsiConsole For(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        var toTerminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        if (!toTerminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
