using System.Collections.Concurrent;
using System.Diagnostics;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Local Zep only when asked: the worker (like the API) refuses to start without <c>ZEP_API_KEY</c> unless
/// <c>Zep:Local=true</c>; the CLI's one-process default keeps its local emulator, but not with <c>--bus rabbitmq</c>.
/// </summary>
public sealed class When_a_host_has_no_zep_key(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pixelated-no-key-").FullName;

    [Fact]
    public async Task The_worker_exits_1_with_one_line_naming_the_key_and_the_local_switch()
    {
        var (exitCode, text) = await RunWorkerToEndAsync(new Dictionary<string, string?>());

        var line = text.Trim();
        Assert.Equal(1, exitCode);
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("The migration worker cannot start:", line);
        Assert.Contains("ZEP_API_KEY", line);
        Assert.Contains("Zep:Local=true", line);
        Assert.False(File.Exists(Path.Combine(_root, "ledger.db")), "it refused before touching the ledger");
    }

    [Fact]
    public async Task The_worker_on_rabbitmq_with_the_local_switch_exits_1_as_a_local_emulator_is_private_to_one_process()
    {
        var (exitCode, text) = await RunWorkerToEndAsync(new Dictionary<string, string?>
        {
            ["Zep__Local"] = "true", ["Pipeline__Bus"] = "rabbitmq", ["ConnectionStrings__RabbitMq"] = "amqp://guest:guest@127.0.0.1:1/",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("Zep:Local=true needs the whole pipeline in one process", text);
    }

    [Fact]
    public async Task The_worker_with_the_local_switch_writes_to_a_local_emulator_says_so_and_keeps_its_data_owner_only()
    {
        var state = Path.Combine(_root, "zep-state.json");
        var lines = new ConcurrentQueue<string>();
        using var worker = StartWorker(new Dictionary<string, string?>
        {
            ["Zep__Local"] = "true", ["Emulator__StateFile"] = state, ["Emulator__ApiKey"] = "local-secret-key-0815",
        }, lines);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!lines.Any(l => l.Contains("writing to a local emulator", StringComparison.Ordinal)))
            {
                Assert.False(worker.HasExited, $"the worker stopped: {string.Join('\n', lines)}");
                Assert.True(DateTime.UtcNow < deadline, $"no notice in 60 s: {string.Join('\n', lines)}");
                await Task.Delay(100);
            }
            using (var term = Process.Start("kill", ["-TERM", worker.Id.ToString()])) await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await worker.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!worker.HasExited) worker.Kill(entireProcessTree: true);
            output.WriteLine(string.Join('\n', lines));
        }

        var notice = lines.Single(l => l.Contains("writing to a local emulator", StringComparison.Ordinal));
        Assert.Contains("Zep:Local=true", notice);
        Assert.Contains(state, notice);
        Assert.DoesNotContain(lines, l => l.Contains("local-secret-key-0815", StringComparison.Ordinal));
        Assert.True(File.Exists(state), "the emulator saved its data when the worker stopped");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state));
    }

    [Fact]
    public async Task The_cli_on_rabbitmq_without_a_key_could_not_run_and_names_the_settings()
    {
        using var cli = new CliProcess();

        var result = await cli.RunAsync(new Dictionary<string, string?> { ["ZEP_API_KEY"] = null },
            "migrate", ExpectedExport.FixturePath("platform-v3-clinic-page.json"), "--bus", "rabbitmq", "--json");

        output.WriteLine(result.Error);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ZEP_API_KEY", result.Error);
        Assert.Contains("Zep:Local=true", result.Error);
        Assert.DoesNotContain("writing to a local emulator", result.Error);
    }

    private async Task<(int ExitCode, string Text)> RunWorkerToEndAsync(Dictionary<string, string?> environment)
    {
        var lines = new ConcurrentQueue<string>();
        using var worker = StartWorker(environment, lines);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await worker.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            worker.Kill(entireProcessTree: true);
            Assert.Fail($"the worker kept running: {string.Join('\n', lines)}");
        }
        worker.WaitForExit(); // the redirected streams are drained
        return (worker.ExitCode, string.Join('\n', lines));
    }

    /// <summary>The real worker executable in the test's folder: in-memory bus, SQLite ledger there, no Zep settings but the given ones.</summary>
    private Process StartWorker(Dictionary<string, string?> environment, ConcurrentQueue<string> lines)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pixelated.MigrationPipeline.Worker.dll"));
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ZEP_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Zep__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Pipeline__Bus"] = "inmemory";
        start.Environment["Ledger__Provider"] = "sqlite";
        start.Environment["ConnectionStrings__Ledger"] = $"Data Source={Path.Combine(_root, "ledger.db")}";
        foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
