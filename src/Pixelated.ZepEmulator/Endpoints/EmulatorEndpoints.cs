using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Hosting;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>
/// Emulator-only routes (no auth, not rate limited, not counted, never faulted): /_emulator/stats, /_emulator/reset,
/// and GET/PUT /_emulator/faults (snake_case JSON; PUT replaces every fault setting, absent fields take their defaults).
/// </summary>
internal static class EmulatorEndpoints
{
    internal sealed record FaultsBody(
        double? ErrorBeforeWriteRate,
        double? ErrorAfterWriteRate,
        double? TimeoutAfterWriteRate,
        double? TooManyRequestsRate,
        int? TooManyRequestsRetryAfterSeconds,
        int? TimeoutHoldSeconds,
        int? Seed);

    public static void MapEmulatorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_emulator/stats", (EmulatorStore store) => Results.Json(store.GetStats(), ZepJson.Options));
        app.MapPost("/_emulator/reset", (EmulatorStore store) =>
        {
            store.Reset();
            return Results.Json(new MessageOnlyBody("reset"), ZepJson.Options);
        });
        app.MapGet("/_emulator/faults", (FaultInjector injector) => Results.Json(ToBody(injector.Faults), ZepJson.Options));
        app.MapPut("/_emulator/faults", PutFaultsAsync);
    }

    private static async Task<IResult> PutFaultsAsync(HttpRequest request, FaultInjector injector)
    {
        var (body, error) = await JsonBody.ReadAsync<FaultsBody>(request);
        if (error is not null)
        {
            return error;
        }

        var requested = new EmulatorFaultOptions
        {
            ErrorBeforeWriteRate = body!.ErrorBeforeWriteRate ?? 0,
            ErrorAfterWriteRate = body.ErrorAfterWriteRate ?? 0,
            TimeoutAfterWriteRate = body.TimeoutAfterWriteRate ?? 0,
            TooManyRequestsRate = body.TooManyRequestsRate ?? 0,
            TooManyRequestsRetryAfterSeconds = body.TooManyRequestsRetryAfterSeconds ?? EmulatorFaultOptions.DefaultTooManyRequestsRetryAfterSeconds,
            TimeoutHoldSeconds = body.TimeoutHoldSeconds ?? EmulatorFaultOptions.DefaultTimeoutHoldSeconds,
            Seed = body.Seed,
        };
        var problems = requested.Validate(string.Empty);
        if (problems.Count > 0)
        {
            return ZepError.BadRequest(string.Join(" ", problems));
        }

        injector.Faults.CopyFrom(requested);
        return Results.Json(ToBody(injector.Faults), ZepJson.Options);
    }

    private static FaultsBody ToBody(EmulatorFaultOptions faults)
    {
        var s = faults.Snapshot();
        return new FaultsBody(
            s.ErrorBeforeWriteRate,
            s.ErrorAfterWriteRate,
            s.TimeoutAfterWriteRate,
            s.TooManyRequestsRate,
            s.TooManyRequestsRetryAfterSeconds,
            s.TimeoutHoldSeconds,
            s.Seed);
    }
}
