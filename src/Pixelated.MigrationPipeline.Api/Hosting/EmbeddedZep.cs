using Pixelated.MigrationPipeline.Components;

namespace Pixelated.MigrationPipeline.Api.Hosting;

/// <summary>
/// The embedded mode (in-memory bus) starts the local ZepEmulator when <c>ZEP_API_KEY</c> is not set, as the CLI does;
/// it stops with the host. With RabbitMQ the workers write to Zep, so the API never starts one.
/// </summary>
public static class EmbeddedZep
{
    public static async Task StartIfNeededAsync(WebApplicationBuilder builder, CancellationToken ct)
    {
        var pipeline = builder.Configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
        if (pipeline.UsesRabbitMq) return;
        var local = await LocalZep.LocalZep.StartIfNeededAsync(builder.Configuration, ct);
        if (local is null) return;
        builder.Configuration.AddInMemoryCollection(local.Settings);
        builder.Services.AddSingleton(_ => local); // created by a factory, so the container disposes it (stops the emulator, saves its state)
        builder.Services.AddHostedService<EmbeddedZepNotice>();
    }
}

/// <summary>Says once, at start, that migrations go to a local emulator and not to Zep Cloud.</summary>
internal sealed class EmbeddedZepNotice(LocalZep.LocalZep zep, ILogger<EmbeddedZepNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("ZEP_API_KEY is not set: migrations are written to a local ZepEmulator at {Url}, not to Zep Cloud", zep.Emulator.ApiBaseUrl);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
