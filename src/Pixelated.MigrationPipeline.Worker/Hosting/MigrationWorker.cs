using Pixelated.MigrationPipeline.Components;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.LocalZep;

namespace Pixelated.MigrationPipeline.Worker.Hosting;

/// <summary>
/// Builds the worker host: appsettings.json beside the executable, environment, command line. Zep is the one
/// <c>ZEP_API_KEY</c> opens; a local emulator only with <c>Zep:Local=true</c> (in-memory bus); neither: refused.
/// </summary>
public static class MigrationWorker
{
    public static async Task<IHost> BuildAsync(string[] args, CancellationToken ct = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var pipeline = builder.Configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
        await builder.UseConfiguredZepAsync(inOneProcess: !pipeline.UsesRabbitMq, ct);
        builder.Services.AddMigrationPipeline(builder.Configuration);
        builder.Services.AddWorkerTelemetry(builder.Configuration);
        builder.Services.AddHostedService<DropFolderWatcher>();
        return builder.Build();
    }
}
