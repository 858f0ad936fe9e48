using System.Diagnostics;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

/// <summary>
/// The per-test-run scratch directory (<c>/tmp/pixelated-it-PID-RANDOM</c>) that holds the data, logs and pid files
/// of the throwaway local servers, plus the safety nets that make sure no server outlives the test run:
/// <list type="bullet">
/// <item>a detached watchdog shell (own session, so Ctrl+C / process-group kills do not take it down) that kills
/// the servers and deletes the directory when the test host dies without disposing the fixture;</item>
/// <item>a sweep at start-up that cleans directories left behind by dead test hosts (e.g. when the watchdog was
/// killed too).</item>
/// </list>
/// The pid files to kill are listed in <see cref="PidFiles"/> (first line of each file is a pid; both are written by
/// the servers themselves). A pid is only killed if its command line mentions the temp directory, so a stale pid
/// file can never take down an unrelated process that reused the pid.
/// </summary>
public sealed class TempRoot : IDisposable
{
    private const string Prefix = "pixelated-it-";

    /// <summary>Pid files (relative to the root) of processes that must not outlive the test host.</summary>
    internal static readonly string[] PidFiles =
        ["rabbitmq/rabbitmq.pid", "postgres/data/postmaster.pid", .. LocalRabbitMqCluster.PidFiles];

    private readonly Action<string> _log;
    private Process? _watchdog;

    private TempRoot(string path, Action<string> log)
    {
        Path = path;
        _log = log;
    }

    public string Path { get; }

    public static TempRoot Create(Action<string> log)
    {
        var baseDir = BaseDirectory();
        SweepStale(baseDir, log);

        var path = System.IO.Path.Combine(baseDir, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..(Prefix.Length + 20)]);
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            // World-traversable so that the 'postgres' OS user can reach its own (chowned) sub directory.
            File.SetUnixFileMode(path,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var root = new TempRoot(path, log);
        root.StartWatchdog();
        return root;
    }

    public string CreateSubdirectory(string name)
    {
        var dir = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        KillFromPidFiles(Path);
        if (_watchdog is not null)
        {
            ProcessRunner.TryKillTree(_watchdog);
            _watchdog.Dispose();
            _watchdog = null;
        }

        TryDelete(Path, _log);
    }

    private static string BaseDirectory()
    {
        // As root the servers run as the 'postgres' user, which must be able to traverse the path: prefer /tmp
        // over a TMPDIR that may live in /root.
        if (ProcessRunner.IsRoot && Directory.Exists("/tmp"))
        {
            return "/tmp";
        }

        return System.IO.Path.GetTempPath();
    }

    private void StartWatchdog()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const string script = """
            exec </dev/null >/dev/null 2>&1
            parent="$1"; root="$2"; shift 2
            while kill -0 "$parent" 2>/dev/null && [ -d "$root" ]; do sleep 1; done
            [ -d "$root" ] || exit 0
            ours() { [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -qF "$root"; }
            for sig in TERM KILL; do
              for f in "$@"; do
                if [ -f "$root/$f" ]; then
                  pid=$(head -n 1 "$root/$f")
                  ours "$pid" && kill -$sig "$pid" 2>/dev/null
                fi
              done
              sleep 2
            done
            sleep 1
            rm -rf "$root"
            """;

        var setsid = ProcessRunner.FindOnPath("setsid");
        var psi = new ProcessStartInfo(setsid ?? "/bin/sh") { UseShellExecute = false };
        if (setsid is not null)
        {
            psi.ArgumentList.Add("/bin/sh");
        }

        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("pixelated-it-watchdog");
        psi.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(Path);
        foreach (var f in PidFiles)
        {
            psi.ArgumentList.Add(f);
        }

        try
        {
            _watchdog = Process.Start(psi);
        }
        catch (Exception ex)
        {
            _log($"could not start the orphan watchdog ({ex.Message}); servers may outlive a crashed test host");
        }
    }

    private static void SweepStale(string baseDir, Action<string> log)
    {
        string[] candidates;
        try
        {
            candidates = Directory.GetDirectories(baseDir, Prefix + "*");
        }
        catch (Exception)
        {
            return;
        }

        foreach (var dir in candidates)
        {
            var name = System.IO.Path.GetFileName(dir);
            var pidPart = name[Prefix.Length..].Split('-')[0];
            if (!int.TryParse(pidPart, out var ownerPid) || ownerPid == Environment.ProcessId || ProcessRunner.IsAlive(ownerPid))
            {
                continue;
            }

            log($"cleaning up leftovers of a previous test run in {dir}");
            KillFromPidFiles(dir);
            TryDelete(dir, log);
        }
    }

    private static void KillFromPidFiles(string root)
    {
        foreach (var f in PidFiles)
        {
            var file = System.IO.Path.Combine(root, f);
            try
            {
                if (File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault()?.Trim(), out var pid) &&
                    CommandLineMentions(pid, root))
                {
                    ProcessRunner.TryKill(pid);
                }
            }
            catch (Exception)
            {
                // best effort
            }
        }
    }

    private static bool CommandLineMentions(int pid, string root)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return cmdline.Contains(root, StringComparison.Ordinal);
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static void TryDelete(string dir, Action<string> log)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (attempt < 4)
            {
                _ = ex;
                Thread.Sleep(200);
            }
            catch (Exception ex)
            {
                log($"could not delete {dir}: {ex.Message}");
            }
        }
    }
}
