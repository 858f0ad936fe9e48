using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Hosting;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>
/// Emulator-only routes (no auth, not rate limited, not counted, never faulted): /_emulator/stats, /_emulator/reset,
/// PATCH/DELETE /_emulator/messages/{uuid} (tampering, for validation tests), and GET/PUT /_emulator/faults (snake_case JSON; PUT replaces every fault setting, absent fields take their defaults).
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

    internal sealed record MessageEditBody(string? Content, string? Role);

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
        app.MapPatch("/_emulator/messages/{uuid}", EditMessageAsync);
        app.MapDelete("/_emulator/messages/{uuid}", (string uuid, EmulatorStore store) =>
            store.RemoveMessage(uuid) ? Results.Json(new MessageOnlyBody("removed"), ZepJson.Options) : Results.Json(new MessageOnlyBody("not found"), ZepJson.Options, statusCode: 404));
    }

    /// <summary>Changes a stored message's content and/or role behind the API's back (validation tests).</summary>
    private static async Task<IResult> EditMessageAsync(string uuid, HttpRequest request, EmulatorStore store)
    {
        var (body, error) = await JsonBody.ReadAsync<MessageEditBody>(request);
        if (error is not null)
        {
            return error;
        }

        var edited = store.EditMessage(uuid, m => m with { Content = body!.Content ?? m.Content, Role = body.Role ?? m.Role });
        return edited ? Results.Json(new MessageOnlyBody("edited"), ZepJson.Options) : Results.Json(new MessageOnlyBody("not found"), ZepJson.Options, statusCode: 404);
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
