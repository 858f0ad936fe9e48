using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Api.Tests.Support;

/// <summary>
/// The real API (as <see cref="ApiHost"/>: Kestrel, embedded pipeline, SQLite, an in-process ZepEmulator) with traces on
/// (<c>Telemetry:Traces=true</c>) and every finished span kept by OpenTelemetry's in-memory exporter, every log line and
/// log scope kept too. Its own collection, never in parallel with another: meters and activity sources are process-wide,
/// so another host's run would add to this one's counters and spans.
/// </summary>
public sealed class TracedApiHost : IAsyncLifetime
{
    private WebApplication? _app;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pixelated-otel-tests-" + Guid.NewGuid().ToString("N")[..12]);
    public ZepEmulatorHost Emulator { get; private set; } = null!;
    public List<Activity> Spans { get; } = [];
    public ScopedLogs Logs { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "drop"));
        Emulator = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "emulator-key-for-otel-tests", LatencyMs = 5 });
        var settings = ApiHost.Settings(Root, Emulator);
        settings["Telemetry:Traces"] = "true";
        settings["Telemetry:GaugeIntervalSeconds"] = "1";
        settings["Logging:LogLevel:Default"] = "Trace";
        _app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings, b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(Logs);
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans));
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public HttpClient Client(string? key = ApiHost.OperatorKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A copy of the spans finished so far (the exporter adds to the list from other threads).</summary>
    public List<Activity> FinishedSpans()
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return Spans.ToArray().Where(s => s is not null).ToList(); }
            catch (ArgumentException) when (attempt < 10) { } // the list grew while it was copied: copy again
        }
    }

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

/// <summary>Every log line (all levels, with its exception) and every log scope's state, as text.</summary>
public sealed class ScopedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"scope {category}: {Describe(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {Describe(state)} {exception}");

        private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : state?.ToString() ?? "";
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservedCollection
{
    public const string Name = "observed";
}
