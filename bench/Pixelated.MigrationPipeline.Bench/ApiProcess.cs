using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Pixelated.MigrationPipeline.TestInfrastructure;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The migration API as its own process (<c>Pixelated.MigrationPipeline.Api.dll</c> beside the bench), in its distributed
/// mode (<c>Pipeline:Bus=rabbitmq</c>): it records runs in the shared PostgreSQL ledger and publishes them; the workers do
/// the work. Several share one ledger as replicas behind a load balancer would.
/// </summary>
public sealed class ApiProcess(string name, IReadOnlyDictionary<string, string?> environment, string apiKey) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _tail = new();
    // Minutes, not seconds: on 2 cores shared with 8 starting workers a first call waits for the JIT and the ledger.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(3) };
    private Process? _process;

    public string Name { get; } = name;
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");
    public int? Pid => _process?.Id;
    public string Tail => string.Join(Environment.NewLine, _tail);

    public void Start()
    {
        var port = FreePort.Get();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pixelated.MigrationPipeline.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUrl.AbsoluteUri.TrimEnd('/'));
        start.Environment.Remove("ZEP_API_KEY");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Api__Keys__0__Name"] = "bench";
        start.Environment["Api__Keys__0__Key"] = apiKey;
        start.Environment["Api__Keys__0__Role"] = "operator";
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
        _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    /// <summary>Waits until <c>/health/live</c> answers 200.</summary>
    public async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true } p) throw new InvalidOperationException($"{Name} exited with code {p.ExitCode}:\n{Tail}");
            try
            {
                using var answer = await _http.GetAsync(new Uri(BaseUrl, "health/live"));
                if (answer.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not live within {timeout}:\n{Tail}");
    }

    /// <summary>Lists the runs once (<c>GET /api/v1/migrations</c>): the API's routes, ledger connection and JIT warmed before the measured start.</summary>
    public async Task WarmUpAsync()
    {
        using var answer = await _http.GetAsync(new Uri(BaseUrl, "api/v1/migrations?take=1"));
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"{Name}: GET /api/v1/migrations answered {(int)answer.StatusCode}:\n{Tail}");
    }

    /// <summary><c>POST /api/v1/migrations</c> with a path inside the drop folder; the run's id.</summary>
    public async Task<Guid> StartRunAsync(string pathInDropFolder)
    {
        using var answer = await _http.PostAsJsonAsync(new Uri(BaseUrl, "api/v1/migrations"), new { path = pathInDropFolder });
        var body = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"{Name}: POST /api/v1/migrations answered {(int)answer.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("runId").GetGuid();
    }

    /// <summary><c>GET /api/v1/migrations/{id}</c> (what a dashboard polls); its duration in ms, or null when it failed.</summary>
    public async Task<double?> PollRunAsync(Guid runId)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var answer = await _http.GetAsync(new Uri(BaseUrl, $"api/v1/migrations/{runId}"));
            await answer.Content.ReadAsByteArrayAsync();
            return answer.IsSuccessStatusCode ? watch.Elapsed.TotalMilliseconds : null;
        }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

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

    private void Keep(string? line)
    {
        if (line is null) return;
        _tail.Enqueue($"[{Name}] {line}");
        while (_tail.Count > 40) _tail.TryDequeue(out _);
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        _process?.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
