using System.Diagnostics;

namespace Pixelated.MigrationPipeline.Deploy.Tests;

/// <summary>The repository the tests run in (the folder holding Pixelated.MigrationPipeline.sln) and small helpers.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Every C# source of one project folder under src/, concatenated (to find the routes a host maps).</summary>
    public static string SourcesOf(string project) =>
        string.Join('\n', Directory.EnumerateFiles(PathOf($"src/{project}"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pixelated.MigrationPipeline.sln"))) return dir.FullName;
        throw new InvalidOperationException("Pixelated.MigrationPipeline.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a program; null when it cannot be started (not installed).</summary>
    public static (int ExitCode, string Stdout, string Stderr)? Run(string program, IEnumerable<string> args, string? workingDirectory = null, int timeoutSeconds = 120)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? Root };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeoutSeconds} s");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
