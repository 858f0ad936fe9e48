using System.Diagnostics;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>Runs the real <c>pixelated-migrate</c> executable as a child process in a working directory of the test's own.</summary>
public sealed class CliProcess : IDisposable
{
    public string WorkingDirectory { get; } = Directory.CreateTempSubdirectory("pixelated-cli-").FullName;

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    public async Task<Result> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pixelated-migrate {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the executable without waiting (to kill it mid-run); standard output and error are redirected.</summary>
    public Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pixelated-migrate.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("ZEP_API_KEY");
        foreach (var (k, v) in environment)
        {
            if (v is null) start.Environment.Remove(k);
            else start.Environment[k] = v;
        }

        return Process.Start(start)!;
    }

    public void Dispose()
    {
        try { Directory.Delete(WorkingDirectory, recursive: true); } catch (IOException) { }
    }
}
