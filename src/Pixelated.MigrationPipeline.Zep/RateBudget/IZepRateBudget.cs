namespace Pixelated.MigrationPipeline.Zep.RateBudget;

/// <summary>
/// The requests-per-minute budget of one Zep account, shared by everything that writes to it. Every request waits for a
/// permit; every response teaches the budget (<c>X-RateLimit-Remaining/Reset</c>, a 429's <c>Retry-After</c>).
/// </summary>
public interface IZepRateBudget
{
    ValueTask AcquireAsync(CancellationToken ct);

    /// <summary>Zep asked us to hold off until <paramref name="until"/> (a 429, or the window's quota used up).</summary>
    ValueTask BlockUntilAsync(DateTimeOffset until, CancellationToken ct);

    /// <summary>Zep announced its limit (<c>X-RateLimit-Limit</c>); the budget never runs faster than that.</summary>
    void ObserveLimit(int requestsPerMinute);
}
