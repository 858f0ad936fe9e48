using System.Diagnostics;
using System.Text;

namespace Pixelated.MigrationPipeline.TestInfrastructure;

public sealed record ProcessResult(string CommandLine, int ExitCode, string StdOut, string StdErr, bool TimedOut)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    public string Describe() =>
        $"`{CommandLine}` {(TimedOut ? "timed out" : $"exited with code {ExitCode}")}.\n--- stdout ---\n{Tail(StdOut)}\n--- stderr ---\n{Tail(StdErr)}";

    public ProcessResult EnsureSuccess(string what)
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException($"{what} failed: {Describe()}");
        }

        return this;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}

/// <summary>Runs short-lived helper commands (pg_ctl, rabbitmqctl, chown, ...) with a hard timeout.</summary>
public static class ProcessRunner
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? runAsUser = null,
        string? workingDirectory = null)
    {
        var args = arguments.ToList();
        if (runAsUser is not null)
        {
            args.InsertRange(0, ["-u", runAsUser, "--", fileName]);
            fileName = "runuser";
        }

        var psi = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        ApplyEnvironment(psi, environment);

        var commandLine = fileName + " " + string.Join(' ', args);
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Could not start `{commandLine}`: {ex.Message}", ex);
        }

        process.StandardInput.Close();

        // Read the pipes ourselves (not BeginOutputReadLine) so that a daemon that inherited them
        // (e.g. epmd started by the Erlang CLI) cannot make us wait forever for EOF.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        var timedOut = false;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                TryKillTree(process);
            }
        }

        var output = await WithGraceAsync(stdout);
        var error = await WithGraceAsync(stderr);
        return new ProcessResult(commandLine, timedOut ? -1 : process.ExitCode, output, error, timedOut);
    }

    public static void ApplyEnvironment(ProcessStartInfo psi, IReadOnlyDictionary<string, string?>? environment)
    {
        if (environment is null)
        {
            return;
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(key);
            }
            else
            {
                psi.Environment[key] = value;
            }
        }
    }

    public static void TryKillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception)
        {
            // Best effort: the process may have exited in the meantime.
        }
    }

    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static void TryKill(int pid)
    {
        if (pid <= 0)
        {
            return;
        }

        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
        }
        catch (Exception)
        {
            // Already gone or not ours to kill.
        }
    }

    /// <summary>Looks for an executable on PATH.</summary>
    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static async Task<string> WithGraceAsync(Task<string> read)
    {
        var done = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(2)));
        if (done != read)
        {
            return "<output not captured: pipe held open by a child process>";
        }

        try
        {
            return await read;
        }
        catch (Exception ex)
        {
            return $"<output read failed: {ex.Message}>";
        }
    }

    internal static string Quote(string s) => new StringBuilder("'").Append(s.Replace("'", "'\\''")).Append('\'').ToString();
}
