using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Pixelated.MemoryService.Idempotency;

namespace Pixelated.MemoryService.Mcp;

/// <summary>
/// The write tools' <c>idempotencyKey</c> argument, the MCP counterpart of the routes' <c>Idempotency-Key</c> header and
/// kept in the same store (per caller, under <c>mcp:TOOL:KEY</c>): a call retried with the same key and arguments gets the
/// first result (successes and refusals alike) and Zep gets nothing twice; the same key with other arguments, or while the
/// first call still runs, is a tool error. Stored results carry ids and counts only, like the routes' answers.
/// </summary>
public sealed class ToolIdempotency(ToolCaller caller, IdempotencyStore store)
{
    public const string Description = "Optional: a key of your choosing (1 to 150 printable ASCII characters) for this write; " +
                                      "retrying the call with the same key and arguments returns the first result and writes nothing twice.";

    private const int MaxKeyLength = 150;
    private static readonly JsonSerializerOptions Json = McpJsonUtilities.DefaultOptions;

    public async Task<CallToolResult> RunAsync(string tool, string? key, object arguments, Func<Task<CallToolResult>> call, CancellationToken ct)
    {
        if (key is null) return await call();
        if (key.Length > MaxKeyLength || !IdempotencyKeyHeader.IsValid(key))
            return ToolResults.Error($"invalid field idempotencyKey: 1 to {MaxKeyLength} printable ASCII characters");

        var callerId = caller.Current.Id;
        var storeKey = $"mcp:{tool}:{key}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tool + "\n" + JsonSerializer.Serialize(arguments, JsonSerializerOptions.Web))));
        var (claim, first) = await store.ClaimAsync(callerId, storeKey, hash, ct);
        switch (claim)
        {
            case ClaimResult.Replay:
                return JsonSerializer.Deserialize<CallToolResult>(first!.ResponseBody!, Json)!;
            case ClaimResult.InFlight:
                return ToolResults.Error("conflict: a call with this idempotencyKey is still being answered; retry later");
            case ClaimResult.Mismatch:
                return ToolResults.Error("invalid field idempotencyKey: this key was used for a call with other arguments");
        }

        CallToolResult result;
        try
        {
            result = await call();
        }
        catch
        {
            await store.ReleaseAsync(callerId, storeKey, CancellationToken.None); // Zep failed: the retry runs again
            throw;
        }
        await store.CompleteAsync(callerId, storeKey, 200, "application/json", null, JsonSerializer.SerializeToUtf8Bytes(result, Json), CancellationToken.None);
        return result;
    }
}
