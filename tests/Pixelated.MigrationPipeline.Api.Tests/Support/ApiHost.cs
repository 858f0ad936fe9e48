using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Api.Tests.Support;

/// <summary>
/// The real API on Kestrel (127.0.0.1, free port) on the embedded default: in-memory bus, SQLite ledger in a temp folder,
/// the pipeline consuming in-process, writing to a real ZepEmulator started in this process. One per test collection.
/// </summary>
public sealed class ApiHost : IAsyncLifetime
{
    public const string OperatorKey = "op-key-4f1c2b7e9a0d4c3b";
    public const string ViewerKey = "view-key-8d2e6a1f5b3c7e90";
    public const string OperatorName = "ops-team";
    public const string ViewerName = "dashboard";
    public const long MaxFileBytes = 64 * 1024;
    public const long MaxRequestBytes = 160 * 1024;
    public const int MaxFiles = 4;

    private WebApplication? _app;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pixelated-api-tests-" + Guid.NewGuid().ToString("N")[..12]);
    public string DropFolder => Path.Combine(Root, "drop");
    public ZepEmulatorHost Emulator { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DropFolder);
        Emulator = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "emulator-key-for-api-tests", LatencyMs = 5 });
        _app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], Settings(Root, Emulator), b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(Logs);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public static Dictionary<string, string?> Settings(string root, ZepEmulatorHost emulator) => new()
    {
        ["Api:Keys:0:Name"] = OperatorName,
        ["Api:Keys:0:Key"] = OperatorKey,
        ["Api:Keys:0:Role"] = "operator",
        ["Api:Keys:1:Name"] = ViewerName,
        ["Api:Keys:1:Key"] = ViewerKey,
        ["Api:Keys:1:Role"] = "viewer",
        ["Api:Uploads:MaxFileBytes"] = MaxFileBytes.ToString(),
        ["Api:Uploads:MaxRequestBytes"] = MaxRequestBytes.ToString(),
        ["Api:Uploads:MaxFiles"] = MaxFiles.ToString(),
        // The tests send many keyless calls from one address; the limiter itself is tested on a host of its own.
        ["Api:AuthFailures:PermitLimit"] = "100000",
        ["Pipeline:Bus"] = "inmemory",
        ["Pipeline:DropFolder"] = Path.Combine(root, "drop"),
        ["Ledger:Provider"] = "sqlite",
        ["ConnectionStrings:Ledger"] = $"Data Source={Path.Combine(root, "ledger.db")}",
        ["Zep:BaseUrl"] = emulator.ApiBaseUrl.AbsoluteUri,
        ["ZEP_API_KEY"] = emulator.Options.ApiKey,
        ["Zep:RequestTimeoutSeconds"] = "10",
        ["Logging:LogLevel:Default"] = "Information",
    };

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public HttpClient Operator() => Client(OperatorKey);
    public HttpClient Viewer() => Client(ViewerKey);

    /// <summary>POST /api/v1/migrations with files (name, content) and form fields.</summary>
    public async Task<HttpResponseMessage> UploadAsync(IEnumerable<(string Name, byte[] Content)> files, IEnumerable<(string Field, string Value)>? fields = null, HttpClient? client = null)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            form.Add(part, "files", name);
        }
        foreach (var (field, value) in fields ?? []) form.Add(new StringContent(value), field);
        return await (client ?? Operator()).PostAsync("api/v1/migrations", form);
    }

    public Task<HttpResponseMessage> UploadAsync(string name, string json, params (string Field, string Value)[] fields) =>
        UploadAsync([(name, Encoding.UTF8.GetBytes(json))], fields);

    public Task<HttpResponseMessage> StartByPathAsync(object body, HttpClient? client = null) =>
        (client ?? Operator()).PostAsJsonAsync("api/v1/migrations", body);

    /// <summary>Starts a run from a generated export and returns its id.</summary>
    public async Task<Guid> StartAsync(string json, params (string Field, string Value)[] fields)
    {
        var response = await UploadAsync("export.json", json, fields);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetGuid();
    }

    public async Task<JsonElement> GetRunAsync(Guid runId)
    {
        var response = await Operator().GetAsync($"api/v1/migrations/{runId}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls GET /api/v1/migrations/{id} until <paramref name="until"/> holds.</summary>
    public async Task<JsonElement> WaitAsync(Guid runId, Func<JsonElement, bool> until, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var run = await GetRunAsync(runId);
            if (until(run)) return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"run {runId}: {what} not reached in {seconds}s; last: {run}");
            await Task.Delay(50);
        }
    }

    public Task<JsonElement> WaitFinishedAsync(Guid runId) =>
        WaitAsync(runId, r => r.GetProperty("finishedAt").ValueKind != JsonValueKind.Null, "finished");

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (Emulator is not null) await Emulator.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiHost>
{
    public const string Name = "api";
}
