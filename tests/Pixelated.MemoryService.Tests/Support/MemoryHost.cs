using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Hosting;
using Pixelated.MemoryService.Options;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Pixelated.MemoryService.Tests.Support;

/// <summary>
/// The real memory service on Kestrel (127.0.0.1, free port) over a real PostgreSQL database of its own and a real
/// ZepEmulator, with an HS256 development key; <see cref="As"/> gives a client holding a token for any subject and role.
/// One per test collection (<see cref="MemoryCollection"/>); tests use user ids of their own (<see cref="NewId"/>).
/// </summary>
public sealed class MemoryHost(IMessageSink sink) : IAsyncLifetime
{
    public const string SigningKey = "memory-service-tests-signing-key-0123456789abcdef";
    public const string Audience = "pixelated-memory";

    private WebApplication? _app;
    private TestPostgres? _postgres;

    public ZepEmulatorHost Emulator { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public IServiceProvider Services => _app!.Services;
    public TestPostgres Postgres => _postgres!;
    public MemoryAuthOptions AuthOptions => Services.GetRequiredService<IOptions<MemoryAuthOptions>>().Value;

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.StartAsync(Log);
        ConnectionString = await _postgres.CreateDatabaseAsync("memory");
        Emulator = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "emulator-key-for-memory-tests" });
        (_app, BaseAddress) = await StartServiceAsync(Settings(ConnectionString, Emulator));
    }

    /// <summary>The real service on a free loopback port with <paramref name="settings"/>, started; and its address.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartServiceAsync(IDictionary<string, string?> settings)
    {
        var app = await MemoryServiceHost.BuildAsync(["--urls", "http://127.0.0.1:0"], settings);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>A client of the service at <paramref name="baseAddress"/> whose bearer token is <paramref name="token"/> (none when null).</summary>
    public static HttpClient Client(Uri baseAddress, string? token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static Dictionary<string, string?> Settings(string connectionString, ZepEmulatorHost emulator) => new()
    {
        ["Memory:Provider"] = "postgres",
        ["ConnectionStrings:Memory"] = connectionString,
        ["Memory:Auth:SigningKey"] = SigningKey,
        ["Memory:Auth:Audience"] = Audience,
        ["Memory:Auth:Issuer"] = "pixelated-memory-dev",
        ["Memory:SessionSweepSeconds"] = "1",
        ["Zep:BaseUrl"] = emulator.ApiBaseUrl.AbsoluteUri,
        ["ZEP_API_KEY"] = emulator.Options.ApiKey,
        ["Zep:RequestTimeoutSeconds"] = "10",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>A fresh id, so tests sharing the host never meet each other's users.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public string Token(string sub, string role) => DevTokens.Mint(AuthOptions, sub, role);

    /// <summary>A client whose bearer token speaks for <paramref name="sub"/> in <paramref name="role"/>.</summary>
    public HttpClient As(string sub, string role) => Client(BaseAddress, Token(sub, role));

    public HttpClient Admin() => As("admin-" + Guid.NewGuid().ToString("N")[..8], MemoryRoles.Admin);

    public HttpClient Anonymous() => Client(BaseAddress, null);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (Emulator is not null) await Emulator.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }

    private void Log(string line) => sink.OnMessage(new DiagnosticMessage($"[memory-tests] {line}"));
}

[CollectionDefinition(Name)]
public sealed class MemoryCollection : ICollectionFixture<MemoryHost>
{
    public const string Name = "memory";
}
