using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Pixelated.MigrationPipeline.Zep.Health;

/// <summary>
/// Zep answers with the configured key: one <c>GET users-ordered?pageSize=1</c> (the body is not read), its result kept for
/// <see cref="CacheFor"/> so that frequent readiness probes spend almost nothing of the account's request budget.
/// Bypasses the shared Zep client (its retries and rate budget are for real work, not probes).
/// </summary>
public sealed class ZepHealthCheck(IHttpClientFactory clients, IOptions<ZepOptions> options, TimeProvider clock) : IHealthCheck
{
    public const string ClientName = "zep-health";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_last is { } last && clock.GetUtcNow() - last.At < CacheFor) return last.Result;
        var result = await ProbeAsync(cancellationToken);
        _last = (clock.GetUtcNow(), result);
        return result;
    }

    private async Task<HealthCheckResult> ProbeAsync(CancellationToken ct)
    {
        var zep = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(zep.NormalisedBaseUrl, "users-ordered?pageNumber=1&pageSize=1"));
        request.Headers.TryAddWithoutValidation("Authorization", $"Api-Key {zep.ApiKey}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => HealthCheckResult.Healthy("Zep answers"),
                401 or 403 => HealthCheckResult.Unhealthy($"Zep refused the API key ({status})"),
                429 => HealthCheckResult.Degraded("Zep answers but is rate limiting (429)"),
                _ => HealthCheckResult.Unhealthy($"Zep answered {status}"),
            };
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Zep is not reachable");
        }
    }
}
