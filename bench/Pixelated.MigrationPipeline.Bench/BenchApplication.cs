namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Benchmarks that print figures (never asserted in tests). Run in Release:
/// <c>dotnet run -c Release --project bench/Pixelated.MigrationPipeline.Bench -- ingest --size-mb 1024</c>
/// </summary>
public static class BenchApplication
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: ingest [--size-mb N] [--seed N] [--postgres CONNECTION] [--keep-file]");
            Console.WriteLine("       pipeline [--users N] [--memories-per-user M] [--messages-per-user K] [--latency-ms L] [--rpm R] [--workers W] [--mode sequential|batch] [--raw-rates] [--only embedded]");
            Console.WriteLine("       scale [--users N] [--memories-per-user M] [--messages-per-user K] [--latency-ms L] [--rpm R] [--workers 1,2,4,8] [--apis A] [--mode sequential|batch] [--concurrency C] [--ledger-size]");
            Console.WriteLine("       rerun [--users N] [--memories-per-user M] [--messages-per-user K] [--mode sequential|batch]");
            Console.WriteLine("       sync [--users N] [--changed-percent P] [--new-messages K] [--memories-per-user M] [--messages-per-user K] [--mode sequential|batch]");
            Console.WriteLine("       memory [--latency-ms L] [--rps R] [--seconds S] [--users U] [--provider postgres|sqlite]");
            return 0;
        }
        var options = BenchArguments.Parse(args.Skip(1).ToArray());
        return args[0] switch
        {
            "ingest" => await IngestBenchmark.RunAsync(options),
            "pipeline" => await PipelineBenchmark.RunAsync(options),
            "scale" => await ScaleBenchmark.RunAsync(options),
            "rerun" => await RerunBenchmark.RunAsync(options),
            "sync" => await SyncBenchmark.RunAsync(options),
            "memory" => await MemoryServiceBenchmark.RunAsync(options),
            _ => Fail($"unknown benchmark '{args[0]}'"),
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
