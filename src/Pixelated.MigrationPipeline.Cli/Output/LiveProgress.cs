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

    public static async Task<T> ShowAsync<T>(bool enabled, Func<Action<RunProgressSnapshot>, Task<T>> work)
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
                result = await work(progress =>
                {
                    task.Description = Markup.Escape(Describe(progress));
                    task.MaxValue = Math.Max(progress.Progress.ItemsTotal, 1);
                    task.Value = progress.Progress.ItemsSettled;
                });
            });
        return result;
    }

    public static string Describe(RunProgressSnapshot progress)
    {
        var p = progress.Progress;
        var eta = p.EtaSeconds is { } s ? $"ETA {TimeSpan.FromSeconds(Math.Ceiling(s)):g}" : "ETA -";
        return $"{ReportPrinter.StatusWord(progress.Status)} · users {p.UsersSettled}/{p.UsersTotal} · {p.ItemsPerSecond:0} items/s · {eta}";
    }
}
