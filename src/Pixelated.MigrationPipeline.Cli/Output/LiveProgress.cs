using Pixelated.MigrationPipeline.Components.Runs;
using Spectre.Console;

namespace Pixelated.MigrationPipeline.Cli.Output;

/// <summary>
/// A live progress line (users done / total, items/s, ETA) on the terminal while a run goes on. Shown only when standard
/// error is a terminal, so redirected output (scripts, CI, <c>--json</c>) stays clean.
/// </summary>
public static class LiveProgress
{
    public static bool Available => !Console.IsErrorRedirected && !Console.IsOutputRedirected;

    public static async Task<T> ShowAsync<T>(bool enabled, Func<Action<RunReport>, Task<T>> work)
    {
        if (!enabled || !Available) return await work(_ => { });
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("staging", maxValue: 1);
                result = await work(report =>
                {
                    task.Description = Markup.Escape(Describe(report));
                    task.MaxValue = Math.Max(report.Progress.ItemsTotal, 1);
                    task.Value = report.Progress.ItemsSettled;
                });
            });
        return result;
    }

    public static string Describe(RunReport report)
    {
        var p = report.Progress;
        var eta = p.EtaSeconds is { } s ? $"ETA {TimeSpan.FromSeconds(Math.Ceiling(s)):g}" : "ETA -";
        return $"{ReportPrinter.StatusWord(report.Status)} · users {p.UsersSettled}/{p.UsersTotal} · {p.ItemsPerSecond:0} items/s · {eta}";
    }
}
