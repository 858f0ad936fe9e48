using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pixelated.MigrationPipeline.LocalZep;

/// <summary>The deployed hosts' (API, worker) choice of Zep: the key's Zep, or the local emulator only with <c>Zep:Local=true</c>.</summary>
public static class LocalZepHosting
{
    /// <summary>
    /// Without <c>ZEP_API_KEY</c> and without <c>Zep:Local=true</c> this throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// naming both, which the host's <c>Program</c> turns into exit code 1 and one line. With <c>Zep:Local=true</c> (in-memory bus
    /// only) it starts the emulator, points the configuration at it, and stops it with the host.
    /// </summary>
    /// <param name="inOneProcess">The host runs the whole pipeline (in-memory bus).</param>
    public static async Task UseConfiguredZepAsync(this IHostApplicationBuilder builder, bool inOneProcess, CancellationToken ct)
    {
        var local = await LocalZep.StartIfChosenAsync(builder.Configuration, inOneProcess, localByDefault: false, ct);
        if (local is null) return;
        builder.Configuration.AddInMemoryCollection(local.Settings);
        builder.Services.AddSingleton(_ => local); // created by a factory, so the container disposes it (stops the emulator, saves its state)
        builder.Services.AddHostedService<LocalZepNotice>();
    }
}

/// <summary>Says once, at start, that migrations go to a local emulator and not to Zep Cloud, and where its data is.</summary>
internal sealed class LocalZepNotice(LocalZep zep, ILogger<LocalZepNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("{Notice} (emulator at {Url})", zep.Notice, zep.Emulator.ApiBaseUrl);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
