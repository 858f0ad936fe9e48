using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>Emulator-only routes (no auth, not rate limited, not counted): /_emulator/stats and /_emulator/reset.</summary>
internal static class EmulatorEndpoints
{
    public static void MapEmulatorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_emulator/stats", (EmulatorStore store) => Results.Json(store.GetStats(), ZepJson.Options));
        app.MapPost("/_emulator/reset", (EmulatorStore store) =>
        {
            store.Reset();
            return Results.Json(new MessageOnlyBody("reset"), ZepJson.Options);
        });
    }
}
