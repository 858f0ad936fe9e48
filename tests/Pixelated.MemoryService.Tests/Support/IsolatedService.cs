using Microsoft.AspNetCore.Builder;
using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Tests.Support;

/// <summary>
/// One more instance of the real service beside the shared <see cref="MemoryHost"/>: on a database of its own (a test
/// that edits or counts rows), or on the shared host's database (several instances that must see the same sessions).
/// Same emulator and signing key.
/// </summary>
public sealed class IsolatedService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MemoryHost _host;

    private IsolatedService(WebApplication app, MemoryHost host, string connectionString, Uri baseAddress)
    {
        _app = app;
        _host = host;
        ConnectionString = connectionString;
        BaseAddress = baseAddress;
    }

    public string ConnectionString { get; }
    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="sharedDatabase">Use the shared host's database instead of a new one.</param>
    public static async Task<IsolatedService> StartAsync(MemoryHost host, bool sharedDatabase = false, IDictionary<string, string?>? overrides = null)
    {
        var connectionString = sharedDatabase ? host.ConnectionString : await host.Postgres.CreateDatabaseAsync("memory_isolated");
        var settings = MemoryHost.Settings(connectionString, host.Emulator);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        var (app, baseAddress) = await MemoryHost.StartServiceAsync(settings);
        return new IsolatedService(app, host, connectionString, baseAddress);
    }

    public HttpClient As(string sub, string role) => MemoryHost.Client(BaseAddress, _host.Token(sub, role));

    public HttpClient Admin() => As("admin-" + Guid.NewGuid().ToString("N")[..8], MemoryRoles.Admin);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
