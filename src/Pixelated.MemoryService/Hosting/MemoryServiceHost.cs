using Pixelated.MemoryService.Options;
using Pixelated.MigrationPipeline.LocalZep;

namespace Pixelated.MemoryService.Hosting;

/// <summary>
/// Builds the memory service: appsettings.json beside the executable, environment, command line, then the caller's
/// overrides. Zep is the one <c>ZEP_API_KEY</c> opens; the local emulator only with <c>Zep:Local=true</c>; neither: refused.
/// </summary>
public static class MemoryServiceHost
{
    public const string DefaultUrls = "http://127.0.0.1:5003";

    /// <param name="configure">Last changes to the builder (tests: extra logging providers).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, IDictionary<string, string?>? overrides = null,
        Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(MemoryServiceHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrls);
        await builder.UseConfiguredZepAsync(inOneProcess: true, ct); // no key and no Zep:Local=true: refuses
        builder.Services.AddMemoryService(builder.Configuration);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false; // no "Server: Kestrel"
            var memory = context.Configuration.GetSection(MemoryOptions.Section).Get<MemoryOptions>() ?? new MemoryOptions();
            kestrel.Limits.MaxRequestBodySize = memory.MaxBodyBytes; // larger bodies: 413 (BadRequestProblems)
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMemoryService();
        return app;
    }
}
