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

/// <summary>
/// One process's line of <c>/proc/PID/stat</c>: its parent, and its CPU time in clock ticks (USER_HZ = 100) — its own
/// (user + system) and that of the children it has reaped.
/// </summary>
public sealed record ProcStat(int Pid, int Parent, long OwnTicks, long ReapedChildrenTicks)
{
    public const double TicksPerSecond = 100;

    /// <summary>The process's stat, or null when it is gone or unreadable.</summary>
    public static ProcStat? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": state, ppid, ...
            return new ProcStat(pid, int.Parse(fields[1]), long.Parse(fields[11]) + long.Parse(fields[12]),
                long.Parse(fields[13]) + long.Parse(fields[14]));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Every process this process may read.</summary>
    public static IEnumerable<ProcStat> All() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? Of(pid) : null)
            .OfType<ProcStat>();
}

/// <summary>CPU seconds a child process (e.g. a worker) has used, from /proc/PID/stat (utime + stime).</summary>
public static class ChildProcesses
{
    public static IReadOnlyList<int> OfThisProcessRunning(string dllName) =>
        ProcStat.All()
            .Where(p => p.Parent == Environment.ProcessId && CommandLineContains(p.Pid, dllName))
            .Select(p => p.Pid)
            .ToList();

    public static double CpuSeconds(int pid) => (ProcStat.Of(pid)?.OwnTicks ?? 0) / ProcStat.TicksPerSecond;

    private static bool CommandLineContains(int pid, string text)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains(text, StringComparison.Ordinal); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
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
        var ticks = ProcStat.All().Sum(p =>
            p.Pid == postmaster ? p.OwnTicks + p.ReapedChildrenTicks
            : p.Parent == postmaster ? p.OwnTicks
            : 0);
        return ticks / ProcStat.TicksPerSecond;
    }
}
