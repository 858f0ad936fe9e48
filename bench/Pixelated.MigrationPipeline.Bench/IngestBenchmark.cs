using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components;
using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Ledger.Staging;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;
using Pixelated.MigrationPipeline.SyntheticExports;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// Issue 3's benchmark: generates a Platform v3 export of the given size (deterministic), then measures (1) reading it
/// alone and (2) staging it into a PostgreSQL ledger with binary COPY, printing MB/s, items/s and peak RSS of each phase.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var sizeMb = args.Int("size-mb", 1024);
        var folder = Directory.CreateTempSubdirectory("pixelated-bench-").FullName;
        var file = Path.Combine(folder, "bench-export.json");
        try
        {
            var generated = await SyntheticExportGenerator.WritePlatformV3Async(file, new SyntheticExportOptions
            {
                Seed = args.Int("seed", 2026),
                Users = 2_000,
                MemoriesPerUser = 1_000_000,
                TargetBytes = sizeMb * 1024L * 1024,
                LongMemoryEvery = 500,
            }, CancellationToken.None);
            Console.Error.WriteLine($"[bench] generated {generated.Bytes / 1048576.0:0} MB, {generated.Items} items, {generated.Users} users");

            Measurement.ResetPeakRss();
            var read = await ReadOnlyAsync(file);
            Measurement.ResetPeakRss();
            await using var postgres = await BenchPostgres.StartAsync(args.String("postgres"));
            var stage = await StageAsync(file, await postgres.CreateDatabaseAsync("bench_ingest"), postgres.PostmasterPid);

            var megabytes = generated.Bytes / 1048576.0;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "ingest",
                machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString() },
                file = new { megabytes = Math.Round(megabytes, 1), items = generated.Items, users = generated.Users },
                read = new
                {
                    seconds = Math.Round(read.Seconds, 2), megabytesPerSecond = Math.Round(megabytes / read.Seconds, 1),
                    itemsPerSecond = Math.Round(read.Items / read.Seconds), peakRssMb = Math.Round(read.PeakRss / 1048576.0),
                    cpuSeconds = Math.Round(read.CpuSeconds, 2),
                },
                stage = new
                {
                    seconds = Math.Round(stage.Seconds, 2), megabytesPerSecond = Math.Round(megabytes / stage.Seconds, 1),
                    itemsPerSecond = Math.Round(stage.Items / stage.Seconds), peakRssMb = Math.Round(stage.PeakRss / 1048576.0),
                    rows = stage.Items, cpuSeconds = Math.Round(stage.CpuSeconds, 2),
                    postgresCpuSeconds = Math.Round(stage.PostgresCpuSeconds, 2),
                    machineCpuBusyPercent = stage.MachineBusyPercent,
                },
                loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a",
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        finally
        {
            if (!args.Flag("keep-file")) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A phase's wall time, items, peak RSS and this process's CPU time (user + system, all threads): on a shared
    /// machine the CPU time says what the phase costs when the wall time only says what it got.</summary>
    private sealed record Phase(double Seconds, long Items, long PeakRss, double CpuSeconds, double PostgresCpuSeconds = 0, double MachineBusyPercent = 0);

    private static async Task<Phase> ReadOnlyAsync(string file)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long items = 0;
        await foreach (var outcome in new Mem0ExportReader().ReadAsync(file))
            if (outcome is ItemRead) items++;
        return new Phase(watch.Elapsed.TotalSeconds, items, Measurement.PeakRssBytes(), CpuSince(cpu));
    }

    private static async Task<Phase> StageAsync(string file, string ledger, int? postmasterPid)
    {
        var builder = new DbContextOptionsBuilder<PostgresLedgerDbContext>();
        builder.UseLedgerPostgres(ledger);
        await using var db = new PostgresLedgerDbContext(builder.Options);
        await db.Database.MigrateAsync();
        var run = new MigrationRun { Id = Guid.NewGuid(), Status = RunStatus.Ingesting, CreatedAt = DateTimeOffset.UtcNow };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var staging = new ExportStagingService(db, new PostgresCopyStagedItemSink(db), Options.Create(new PipelineOptions()),
            NullLogger<ExportStagingService>.Instance, TimeProvider.System);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var postgresCpu = PostgresProcesses.CpuSeconds(postmasterPid);
        var machine = MachineCpu.Now();
        var watch = Stopwatch.StartNew();
        var result = await staging.StageAsync(run.Id, [file], assignUserId: null, CancellationToken.None);
        return new Phase(watch.Elapsed.TotalSeconds, result.Items, Measurement.PeakRssBytes(), CpuSince(cpu),
            PostgresProcesses.CpuSeconds(postmasterPid) - postgresCpu, machine.BusyPercentSince());
    }

    private static double CpuSince(TimeSpan start) => (Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds;
}
