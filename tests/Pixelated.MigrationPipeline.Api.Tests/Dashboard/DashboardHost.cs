using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Api.Tests.Dashboard;

/// <summary>
/// The real API on Kestrel (as <see cref="ApiHost"/>: embedded pipeline, SQLite, the same keys) writing to a ZepEmulator
/// slow enough to watch (latency per request, and a seeded share of writes answered 429 with Retry-After: 1 s), and a
/// headless Debian chromium driven by Playwright for .NET. The browser is the system's (<c>CHROMIUM_PATH</c>, else
/// <c>/usr/bin/chromium</c>): nothing is downloaded. Screenshots go to <see cref="Screenshots"/>.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pixelated-dashboard-tests-" + Guid.NewGuid().ToString("N")[..12]);
    public string DropFolder => Path.Combine(Root, "drop");
    public ZepEmulatorHost Emulator { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    /// <summary>Where the tests save their screenshots (kept after the run): TestResults/dashboard beside the test assembly.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard");

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"No chromium at {ChromiumPath}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH.");
        Directory.CreateDirectory(DropFolder);
        Directory.CreateDirectory(Screenshots);
        Emulator = await ZepEmulatorHost.StartAsync(new EmulatorOptions
        {
            ApiKey = "emulator-key-for-dashboard-tests",
            LatencyMs = 60,
            Faults = new EmulatorFaultOptions { TooManyRequestsRate = 0.05, Seed = 23 },
        });
        _app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], ApiHost.Settings(Root, Emulator));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>
    /// A fresh browser context (its own cookies) at 1280×800, or the size given. Waits for navigations and elements up to
    /// two minutes (Playwright's default is 30 s): CI runs every test project at once on 2 cores, and a page that answers
    /// late there is still the behaviour under test, not a failure.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.AbsoluteUri,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        return context;
    }

    /// <summary>Opens <c>/</c>, is sent to the sign-in page, signs in with the key and lands on the runs page.</summary>
    public async Task<IPage> SignInAsync(IBrowserContext context, string key)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        Assert.StartsWith("/signin", new Uri(page.Url).AbsolutePath);
        await page.FillAsync("#key", key);
        await page.ClickAsync("[data-testid=signin]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name), FullPage = true });

    public HttpClient Operator()
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiHost.OperatorKey);
        return client;
    }

    /// <summary>Starts a run through the API (an upload) and waits for it to finish; returns its id.</summary>
    public async Task<Guid> RunToEndAsync(string json)
    {
        using var client = Operator();
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(json)), "files", "export.json");
        var started = await (await client.PostAsync("api/v1/migrations", form)).AssertAcceptedAsync();
        var runId = started.GetProperty("runId").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"api/v1/migrations/{runId}");
            if (run.GetProperty("finishedAt").ValueKind != JsonValueKind.Null) return runId;
            await Task.Delay(200);
        }
        throw new TimeoutException($"run {runId} did not finish in 120 s");
    }

    /// <summary>The audit trail of a run, read through the API (an operator key).</summary>
    public async Task<JsonElement[]> AuditAsync(Guid runId)
    {
        using var client = Operator();
        var audit = await client.GetFromJsonAsync<JsonElement>($"api/v1/audit?runId={runId}");
        return audit.GetProperty("entries").EnumerateArray().ToArray();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
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
public sealed class DashboardCollection : ICollectionFixture<DashboardHost>
{
    public const string Name = "dashboard";
}
