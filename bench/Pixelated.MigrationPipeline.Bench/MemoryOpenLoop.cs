using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// An open-loop load: request i is due at i / rate seconds whatever the answers before it do (a slow answer never holds
/// the next request back), each one an operation drawn from the mix by weight. Returns how many were sent, how long
/// sending took, and how late the generator started requests (p99, ms) — if that grows, the machine and not the service
/// is what limits the rate.
/// </summary>
public static class MemoryOpenLoop
{
    /// <summary>The mix, in percent of requests.</summary>
    public static IReadOnlyList<(double Percent, Func<MemoryLoadClient, Task> Run)> Mix { get; } =
    [
        (2.5, c => c.CreateUserAsync()),
        (2.5, c => c.StartSessionAsync()),
        (40, c => c.StoreMessagesAsync()),
        (25, c => c.ReadHistoryAsync()),
        (10, c => c.StoreRecordAsync()),
        (10, c => c.ReadRecordAsync()),
        (5, c => c.ReadStatsAsync()),
        (5, c => c.CountHistoryAsync()),
    ];

    public sealed record Result(int Sent, double SendSeconds, double LagP99Ms, double LagMaxMs);

    public static async Task<Result> RunAsync(MemoryLoadClient client, int perSecond, double seconds)
    {
        var total = (int)(perSecond * seconds);
        var inFlight = new List<Task>(total);
        var lags = new double[total];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            var ahead = due - Stopwatch.GetElapsedTime(start);
            if (ahead > TimeSpan.FromMilliseconds(1)) await Task.Delay(ahead);
            lags[i] = Math.Max(0, (Stopwatch.GetElapsedTime(start) - due).TotalMilliseconds);
            var run = Pick();
            inFlight.Add(Task.Run(() => run(client)));
        }
        var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await Task.WhenAll(inFlight);
        Array.Sort(lags);
        return new Result(total, Math.Round(sendSeconds, 2),
            total == 0 ? 0 : Math.Round(lags[Math.Clamp((int)Math.Ceiling(0.99 * total) - 1, 0, total - 1)], 2),
            total == 0 ? 0 : Math.Round(lags[^1], 2));
    }

    private static Func<MemoryLoadClient, Task> Pick()
    {
        var draw = Random.Shared.NextDouble() * 100;
        foreach (var (percent, run) in Mix)
        {
            if (draw < percent) return run;
            draw -= percent;
        }
        return Mix[^1].Run;
    }
}
