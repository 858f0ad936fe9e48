using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pixelated.MigrationPipeline.Zep.RateBudget;
using Pixelated.MigrationPipeline.Zep.Telemetry;
using Polly;

namespace Pixelated.MigrationPipeline.Zep;

public static class ZepServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ZepClient"/> bound to <c>Zep:</c> with the key from <c>ZEP_API_KEY</c>. Resilience: a per-attempt
    /// timeout, and retries only where a retry cannot duplicate a write (429 honouring <c>Retry-After</c>, and connections
    /// that never reached Zep). Unknown outcomes (5xx, timeouts) surface to the idempotent writer, which reads back first.
    /// </summary>
    public static IServiceCollection AddZepClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ZepOptions>()
            .Bind(configuration.GetSection(ZepOptions.Section))
            .Configure(o => o.ApiKey = configuration[ZepOptions.ApiKeyVariable] ?? o.ApiKey)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<ZepMetrics>();
        services.AddTransient<ZepMetricsHandler>();
        services.TryAddSingleton<ZepHttpLogger>();
        services.AddSingleton<ZepRequestCounter>();
        services.AddSingleton<ZepWriteModeSelector>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IZepRateBudget, InProcessRateBudget>();
        services.AddTransient<ZepRequestCountingHandler>();
        services.AddTransient<RateBudgetHandler>();
        services.AddTransient<ZepBatches>();

        // Handler order, outermost first: retry + circuit breaker → shared rate budget → per-attempt timeout → counting → timing.
        // The budget sits outside the timeout, so waiting for a permit never times an attempt out.
        var client = services.AddHttpClient<ZepClient>((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<ZepOptions>>().Value;
                http.BaseAddress = options.NormalisedBaseUrl;
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", options.ApiKey);
                http.DefaultRequestHeaders.UserAgent.ParseAdd("pixelated-migration/1.0");
            });
        // No request URL in any log: the default logger's scope and lines carry paths with user ids.
        client.RemoveAllLoggers().AddLogger<ZepHttpLogger>();
        client.AddResilienceHandler("zep", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<ZepOptions>>().Value;
                var metrics = context.ServiceProvider.GetRequiredService<ZepMetrics>();
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(200),
                    MaxDelay = TimeSpan.FromSeconds(60),
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(ZepFailure.IsSafeToRetry(args.Outcome)),
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 20,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(options.CircuitBreakSeconds),
                    ShouldHandle = args => ValueTask.FromResult(ZepFailure.IsOutage(args.Outcome)),
                    // pixelated_zep_circuit_open: 1 from opening until a trial call closes it again.
                    OnOpened = _ => { metrics.CircuitOpened(); return ValueTask.CompletedTask; },
                    OnClosed = _ => { metrics.CircuitClosed(); return ValueTask.CompletedTask; },
                });
            });
        client.AddHttpMessageHandler<RateBudgetHandler>();
        client.AddResilienceHandler("zep-attempt", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<ZepOptions>>().Value;
                pipeline.AddTimeout(TimeSpan.FromSeconds(options.RequestTimeoutSeconds));
            });
        client.AddHttpMessageHandler<ZepRequestCountingHandler>();
        client.AddHttpMessageHandler<ZepMetricsHandler>();
        return services;
    }
}
