using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// What a rerun costs in Zep requests (DESIGN.md §3.6): one export migrated (embedded mode), then migrated again on the same
/// ledger, then again on a brand-new ledger against the same Zep (the reconciliation path). Prints requests per user of
/// each run (migration and validation together) and the requests each rerun made by route.
/// <c>rerun [--users N] [--memories-per-user M] [--messages-per-user K] [--mode sequential|batch]</c>
/// </summary>
public static class RerunBenchmark
{
    public static async Task<int> RunAsync(BenchArguments options)
    {
        var users = options.Int("users", 200);
        var mode = options.String("mode") ?? "sequential";
        var folder = Directory.CreateTempSubdirectory("pixelated-bench-rerun-").FullName;
        try
        {
            var files = await PipelineBenchmark.GenerateAsync(folder, users, options.Int("memories-per-user", 15), options.Int("messages-per-user", 20));
            await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
            var first = Directory.CreateDirectory(Path.Combine(folder, "ledger-a")).FullName;
            var second = Directory.CreateDirectory(Path.Combine(folder, "ledger-b")).FullName;

            await RunAsync("first run", files, first, zep, mode, users);
            await RunAsync("rerun, same ledger", files, first, zep, mode, users);
            await RunAsync("rerun, new ledger", files, second, zep, mode, users);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunAsync(string name, string[] files, string ledgerFolder, ZepEmulatorHost zep, string mode, int users)
    {
        var before = zep.Store.GetStats();
        var result = await EmbeddedPipeline.RunAsync(files, ledgerFolder, zep, mode, clientRpm: 0, concurrency: 32);
        var after = zep.Store.GetStats();
        var byRoute = after.RequestsByRoute
            .Select(kv => (Route: kv.Key, Count: kv.Value - before.RequestsByRoute.GetValueOrDefault(kv.Key)))
            .Where(r => r.Count > 0).OrderByDescending(r => r.Count);
        Console.WriteLine($"{name} ({mode}): status {result.Report.Status}, {result.Report.Users.Verified}/{result.Report.Users.Total} verified, " +
                          $"{result.Report.ZepRequests} Zep requests = {(double)result.Report.ZepRequests / users:0.00} per user, " +
                          $"{result.Report.AdoptedUnits} units adopted, Zep holds {after.Episodes} episodes and {after.Messages} messages, {result.Seconds:0.0} s");
        Console.WriteLine("  by route: " + string.Join(", ", byRoute.Select(r => $"{r.Route} {(double)r.Count / users:0.00}/user")));
    }
}
