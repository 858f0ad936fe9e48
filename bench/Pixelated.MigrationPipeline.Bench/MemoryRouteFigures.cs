using System.Globalization;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// One operation's figures over the measured phase, in milliseconds: client-side latency p50/p95/p99/max; server time,
/// Zep time and the service's overhead (server − Zep, per request) p50/p99; of the overhead, database time p50/p99 and
/// the rest p50/p99; requests, errors (status 0 = no answer, or ≥ 400) and statuses; Zep calls and database round trips
/// (commands, begins, commits) per request.
/// </summary>
public sealed record MemoryRouteFigures(
    string Route, long Count, double PerSecond, long Errors, IReadOnlyDictionary<string, long> Statuses,
    double ClientP50, double ClientP95, double ClientP99, double ClientMax,
    double ServerP50, double ServerP99, double ZepP50, double ZepP99, double OverheadP50, double OverheadP99,
    double DatabaseP50, double DatabaseP99, double RestP50, double RestP99,
    double ZepCallsPerRequest, double DatabaseCallsPerRequest)
{
    public static MemoryRouteFigures Of(string route, MemoryLatencyRecorder.Samples samples, double seconds)
    {
        var client = Sorted(samples.Client);
        var server = Sorted(samples.Server);
        var zep = Sorted(samples.Zep);
        var overhead = Sorted(samples.Overhead);
        var database = Sorted(samples.Database);
        var rest = Sorted(samples.Rest);
        var errors = samples.Statuses.Where(s => s.Key is 0 or >= 400).Sum(s => s.Value);
        return new MemoryRouteFigures(route, client.Length, Math.Round(client.Length / seconds, 1), errors,
            samples.Statuses.ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value),
            Percentile(client, 50), Percentile(client, 95), Percentile(client, 99), client.Length == 0 ? 0 : Math.Round(client[^1], 1),
            Percentile(server, 50), Percentile(server, 99), Percentile(zep, 50), Percentile(zep, 99),
            Percentile(overhead, 50), Percentile(overhead, 99), Percentile(database, 50), Percentile(database, 99),
            Percentile(rest, 50), Percentile(rest, 99),
            PerRequest(samples.ZepCalls, server.Length), PerRequest(samples.DatabaseCalls, server.Length));
    }

    private static double PerRequest(long calls, int requests) => requests == 0 ? 0 : Math.Round((double)calls / requests, 2);

    private static double[] Sorted(List<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>Nearest rank: the smallest sample with at least <paramref name="p"/> % of the samples at or below it.</summary>
    private static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)], 2);
    }
}
