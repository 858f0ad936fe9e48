using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The in-process equivalents of <c>dotnet-counters</c>' System.Runtime figures over one phase: CPU time, GC collections
/// and pause time, bytes allocated, lock contentions; and the machine's busy share (/proc/stat) over the same time.
/// </summary>
public sealed class ProcessCounters
{
    private readonly TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: false);
    private readonly TimeSpan _pause = GC.GetTotalPauseDuration();
    private readonly long _contentions = Monitor.LockContentionCount;
    private readonly MachineCpu _machine = MachineCpu.Now();
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public object Stop()
    {
        var seconds = _watch.Elapsed.TotalSeconds;
        return new
        {
            cpuSeconds = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds, 1),
            cpuCoresUsed = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds / seconds, 2),
            gcCollections = new { gen0 = GC.CollectionCount(0) - _collections[0], gen1 = GC.CollectionCount(1) - _collections[1], gen2 = GC.CollectionCount(2) - _collections[2] },
            gcPausePercent = Math.Round(100 * (GC.GetTotalPauseDuration() - _pause).TotalSeconds / seconds, 1),
            allocatedMb = (GC.GetTotalAllocatedBytes(precise: false) - _allocated) / 1048576,
            lockContentions = Monitor.LockContentionCount - _contentions,
            machineCpuBusyPercent = _machine.BusyPercentSince(),
        };
    }
}

/// <summary>The machine's CPU counters from /proc/stat (all cores).</summary>
public sealed record MachineCpu(long Busy, long Total)
{
    public static MachineCpu Now()
    {
        if (!File.Exists("/proc/stat")) return new MachineCpu(0, 0);
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        return new MachineCpu(fields.Take(8).Sum() - idle, fields.Take(8).Sum());
    }

    public double BusyPercentSince()
    {
        var now = Now();
        return now.Total == Total ? 0 : Math.Round(100.0 * (now.Busy - Busy) / (now.Total - Total), 0);
    }
}

/// <summary>CPU seconds a child process (e.g. a worker) has used, from /proc/PID/stat (utime + stime).</summary>
public static class ChildProcesses
{
    public static IReadOnlyList<int> OfThisProcessRunning(string dllName)
    {
        var self = Environment.ProcessId;
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (parent == self && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(dllName, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime, stime in clock ticks (USER_HZ = 100)
        }
        catch (IOException) { return 0; }
    }
}

/// <summary>
/// CPU seconds used by one PostgreSQL server: its postmaster (with the time of the backends it has reaped) and its live
/// children (backends, writer, WAL writer...). Only this server's: other servers on the machine are not counted.
/// </summary>
public static class PostgresProcesses
{
    public static double CpuSeconds(int? postmasterPid)
    {
        if (postmasterPid is not { } postmaster) return double.NaN;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1]);
                if (pid == postmaster) ticks += long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
                else if (parent == postmaster) ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return ticks / 100.0; // USER_HZ = 100
    }
}
