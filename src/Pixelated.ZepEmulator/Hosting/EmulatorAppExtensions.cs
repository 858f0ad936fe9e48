using Microsoft.Extensions.Options;
using Pixelated.ZepEmulator.Batches;
using Pixelated.ZepEmulator.Endpoints;
using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.RateLimiting;

namespace Pixelated.ZepEmulator.Hosting;

/// <summary>Wiring shared by Program.cs and <see cref="ZepEmulatorHost"/>.</summary>
public static class EmulatorAppExtensions
{
    public const string ApiPrefix = "/api/v2";

    /// <summary>Registers the emulator, binding <see cref="EmulatorOptions"/> from the "Emulator" configuration section.</summary>
    public static WebApplicationBuilder AddZepEmulator(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmulatorOptions>().Bind(builder.Configuration.GetSection(EmulatorOptions.SectionName));
        AddServices(builder.Services, TimeProvider.System);
        return builder;
    }

    /// <summary>Registers the emulator with fixed options (in-process hosting).</summary>
    internal static WebApplicationBuilder AddZepEmulator(this WebApplicationBuilder builder, EmulatorOptions options, TimeProvider clock)
    {
        var copy = options.Copy();
        builder.Services.AddOptions<EmulatorOptions>().Configure(o =>
        {
            o.ApiKey = copy.ApiKey;
            o.RequestsPerMinute = copy.RequestsPerMinute;
            o.LatencyMs = copy.LatencyMs;
            o.Faults = copy.Faults;
            o.Batch = copy.Batch;
            o.StateFile = copy.StateFile;
        });
        AddServices(builder.Services, clock);
        return builder;
    }

    /// <summary>Builds the pipeline: stats → rate limit → error bodies → latency → API key → fault injection → endpoints.</summary>
    public static WebApplication UseZepEmulator(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;

        app.UseWhen(IsCounted, counted =>
        {
            counted.UseMiddleware<RequestStatsMiddleware>();
            counted.UseMiddleware<RateLimitMiddleware>();
            counted.UseMiddleware<ErrorBodyMiddleware>();
            counted.UseWhen(IsApi, api =>
            {
                if (options.LatencyMs > 0)
                {
                    api.UseMiddleware<LatencyMiddleware>(options.LatencyMs);
                }

                api.UseMiddleware<ApiKeyMiddleware>();
                api.UseMiddleware<FaultInjectionMiddleware>();
            });
        });

        app.MapEmulatorEndpoints();
        var v2 = app.MapGroup(ApiPrefix);
        v2.MapUserEndpoints();
        v2.MapThreadEndpoints();
        v2.MapMessageEndpoints();
        v2.MapGraphEndpoints(options.Batch.GraphBatchEnabled);
        if (options.Batch.Enabled)
        {
            v2.MapBatchEndpoints();
        }

        return app;
    }

    private static void AddServices(IServiceCollection services, TimeProvider clock)
    {
        services.AddSingleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>();
        services.AddOptions<EmulatorOptions>().ValidateOnStart();
        services.AddSingleton(clock);
        services.AddSingleton<EmulatorStore>();
        services.AddSingleton(sp => new MinuteWindowRateLimiter(
            sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.RequestsPerMinute,
            sp.GetRequiredService<TimeProvider>()));

        // The live fault settings are the instance inside the options value (ZepEmulatorHost.Faults, PUT /_emulator/faults).
        services.AddSingleton(sp => new FaultInjector(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.Faults));
        services.AddSingleton<BatchProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<BatchProcessor>());
    }

    private static bool IsCounted(HttpContext context) => !context.Request.Path.StartsWithSegments("/_emulator");

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments(ApiPrefix);
}
