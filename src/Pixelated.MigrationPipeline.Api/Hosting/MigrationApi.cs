using Pixelated.MigrationPipeline.Api.Audit;
using Pixelated.MigrationPipeline.Api.Dashboard;
using Pixelated.MigrationPipeline.Api.Endpoints;
using Pixelated.MigrationPipeline.Api.Security;
using Pixelated.MigrationPipeline.Components;
using Pixelated.MigrationPipeline.LocalZep;

namespace Pixelated.MigrationPipeline.Api.Hosting;

/// <summary>
/// Builds the API host: appsettings.json beside the executable, environment, command line, then the caller's overrides.
/// Zep is the one <c>ZEP_API_KEY</c> opens; a local emulator only with <c>Zep:Local=true</c> (in-memory bus); neither: refused.
/// </summary>
public static class MigrationApi
{
    /// <param name="configure">Last changes to the builder (tests: extra logging providers).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, IDictionary<string, string?>? overrides = null,
        Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(MigrationApi).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        var pipeline = builder.Configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
        await builder.UseConfiguredZepAsync(inOneProcess: !pipeline.UsesRabbitMq, ct); // no key and no Zep:Local=true: refuses
        builder.Services.AddMigrationApi(builder.Configuration);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false); // no "Server: Kestrel"
        // A refused key is one debug line (ApiKeyAuthenticationHandler); not also "Authorization failed" at information.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Authorization.DefaultAuthorizationService", LogLevel.Warning);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboardStaticFiles();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseUnrecordedRefusalAudit();
        app.MapMigrationApi();
        app.MapDashboard();
        app.MapMetrics();
        return app;
    }
}
