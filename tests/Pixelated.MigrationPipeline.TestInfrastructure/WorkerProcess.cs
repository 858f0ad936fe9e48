using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>A real worker host (<c>Pixelated.MigrationPipeline.Worker</c>) as a child process, which a test can kill -9 and restart.</summary>
public sealed class WorkerProcess(string name, IReadOnlyDictionary<string, string?> environment) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _tail = new();
    private Process? _process;

    public string Name { get; } = name;
    public int Starts { get; private set; }

    /// <summary>The port of the worker's <c>/metrics</c> listener in its latest start (unless the environment set another).</summary>
    public int MetricsPort { get; private set; }
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The exit code of the last start, once it has exited; null while it runs or before it started.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pixelated.MigrationPipeline.Worker.dll"));
        start.Environment.Remove("ZEP_API_KEY");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // Each worker's Prometheus listener on a port of its own (the default 9464 would be taken by the second worker).
        MetricsPort = FreePort.Get();
        start.Environment["Telemetry__PrometheusPort"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (k, v) in environment)
        {
            if (v is null) start.Environment.Remove(k);
            else start.Environment[k] = v;
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Starts++;
    }

    /// <summary>SIGKILL: no graceful stop, in-flight messages unacknowledged, HTTP calls cut wherever they are.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, then waits for the host's graceful stop (in-flight messages go back to their queue).</summary>
    public async Task StopGracefullyAsync(TimeSpan timeout)
    {
        if (_process is not { HasExited: false } p) return;
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await p.WaitForExitAsync(cts.Token);
    }

    /// <summary>Peak resident memory of the running worker (VmHWM), or null when it is not running.</summary>
    public long? PeakRssBytes()
    {
        if (_process is not { HasExited: false } p) return null;
        try
        {
            var line = File.ReadLines($"/proc/{p.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { return null; }
    }

    /// <summary>The last lines the worker printed (for a failing test's message).</summary>
    public string Tail => string.Join(Environment.NewLine, _tail);

    private void Keep(string? line)
    {
        if (line is null) return;
        _tail.Enqueue($"[{Name}] {line}");
        while (_tail.Count > 60) _tail.TryDequeue(out _);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
