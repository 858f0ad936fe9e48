using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>Peak resident memory of this process (VmHWM), resettable between phases, and wall time.</summary>
public static class Measurement
{
    public static long PeakRssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    /// <summary>Resets the kernel's high-water mark so the next phase's peak is its own (Linux: clear_refs 5).</summary>
    public static void ResetPeakRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
