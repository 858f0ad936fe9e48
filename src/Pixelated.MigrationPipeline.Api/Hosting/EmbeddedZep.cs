using Pixelated.MigrationPipeline.Components;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Api.Hosting;

/// <summary>
/// The local ZepEmulator of the embedded mode (in-memory bus), started when <c>ZEP_API_KEY</c> is not set, as the CLI
/// does; stopped with the host. With RabbitMQ the workers write to Zep, so the API never starts one.
/// </summary>
public sealed class EmbeddedZep(ZepEmulatorHost emulator) : IAsyncDisposable
{
    public Uri ApiBaseUrl => emulator.ApiBaseUrl;

    public static async Task StartIfNeededAsync(WebApplicationBuilder builder, CancellationToken ct)
    {
        var configuration = builder.Configuration;
        var pipeline = configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
        if (pipeline.UsesRabbitMq || !string.IsNullOrEmpty(configuration[ZepOptions.ApiKeyVariable])) return;

        var options = configuration.GetSection("Emulator").Get<EmulatorOptions>() ?? new EmulatorOptions();
        var emulator = await ZepEmulatorHost.StartAsync(options, ct);
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Zep:BaseUrl"] = emulator.ApiBaseUrl.AbsoluteUri,
            [ZepOptions.ApiKeyVariable] = options.ApiKey,
        });
        builder.Services.AddSingleton(_ => new EmbeddedZep(emulator));
        builder.Services.AddHostedService<EmbeddedZepNotice>();
    }

    public ValueTask DisposeAsync() => emulator.DisposeAsync();
}

/// <summary>Says once, at start, that migrations go to a local emulator and not to Zep Cloud.</summary>
internal sealed class EmbeddedZepNotice(EmbeddedZep zep, ILogger<EmbeddedZepNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("ZEP_API_KEY is not set: migrations are written to a local ZepEmulator at {Url}, not to Zep Cloud", zep.ApiBaseUrl);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
