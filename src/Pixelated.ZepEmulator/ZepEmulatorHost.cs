using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Pixelated.ZepEmulator.Hosting;

namespace Pixelated.ZepEmulator;

/// <summary>
/// Runs the emulator inside the calling process on a free loopback port (real Kestrel).
/// Logs Warning and above only, never request or body content. Ignores appsettings and environment variables.
/// </summary>
public sealed class ZepEmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ZepEmulatorHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        ApiBaseUrl = new Uri(baseAddress, "api/v2/");
        Store = app.Services.GetRequiredService<EmulatorStore>();
        Options = app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;
    }

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public Uri BaseAddress { get; }

    /// <summary><see cref="BaseAddress"/> + "api/v2/" (trailing slash).</summary>
    public Uri ApiBaseUrl { get; }

    /// <summary>The in-memory data, for inspection.</summary>
    public EmulatorStore Store { get; }

    /// <summary>The options the emulator runs with (a copy of those passed in).</summary>
    public EmulatorOptions Options { get; }

    /// <summary>
    /// The live fault-injection settings (same instance as <c>Options.Faults</c>, not the one passed to StartAsync):
    /// change any property while the emulator runs; every change is thread-safe and applies to the next write request.
    /// </summary>
    public EmulatorFaultOptions Faults => Options.Faults;

    /// <summary>Replaces every fault setting at once (validated: rates 0..1); restarts the seeded sequence.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void SetFaults(EmulatorFaultOptions faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var problems = faults.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(faults));
        }

        Faults.CopyFrom(faults);
    }

    public static Task<ZepEmulatorHost> StartAsync(EmulatorOptions options, CancellationToken ct = default) =>
        StartAsync(options, TimeProvider.System, ct);

    /// <summary>As <see cref="StartAsync(EmulatorOptions, CancellationToken)"/>, with a clock for timestamps and rate-limit windows.</summary>
    public static async Task<ZepEmulatorHost> StartAsync(EmulatorOptions options, TimeProvider clock, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var validation = new EmulatorOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(EmulatorOptions), typeof(EmulatorOptions), validation.Failures);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(ZepEmulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.AddZepEmulator(options, clock);

        var app = builder.Build();
        app.UseZepEmulator();
        try
        {
            if (!string.IsNullOrEmpty(options.StateFile)) await app.Services.GetRequiredService<EmulatorStore>().LoadAsync(options.StateFile, ct);
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ZepEmulatorHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
            if (!string.IsNullOrEmpty(Options.StateFile)) await Store.SaveAsync(Options.StateFile);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
