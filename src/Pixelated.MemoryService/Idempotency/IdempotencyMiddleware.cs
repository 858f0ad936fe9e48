using System.Security.Cryptography;
using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Idempotency;

/// <summary>
/// Writes (POST, PUT, PATCH, DELETE under <c>/api/v1</c>) with an <c>Idempotency-Key</c>: the first request with a key
/// runs and its answer is kept (<c>Memory:IdempotencyHours</c>, 24 h by default); a retry with the same key and the
/// same request gets that answer again (<c>Idempotent-Replayed: true</c>) and nothing reaches Zep twice. The same key
/// with a different request: 422. While the first is still running: 409. A first request that ends in a 5xx gives its
/// key back, so the retry runs. Keys are per caller (token subject).
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, IdempotencyStore store)
    {
        if (!Applies(http) || Caller.From(http.User) is not { } caller)
        {
            await next(http);
            return;
        }
        var key = http.Request.Headers[IdempotencyKeyHeader.Name].ToString();
        if (!IdempotencyKeyHeader.IsValid(key))
        {
            await Problem(http, 400, $"{IdempotencyKeyHeader.Name}: 1 to {IdempotencyKeyHeader.MaxLength} printable ASCII characters");
            return;
        }

        var ct = http.RequestAborted;
        var hash = await RequestHashAsync(http, ct);
        var (result, first) = await store.ClaimAsync(caller.Id, key, hash, ct);
        switch (result)
        {
            case ClaimResult.Replay:
                http.Response.StatusCode = first!.StatusCode!.Value;
                http.Response.Headers[IdempotencyKeyHeader.ReplayedHeader] = "true";
                if (first.ContentType is not null) http.Response.ContentType = first.ContentType;
                if (first.Location is not null) http.Response.Headers.Location = first.Location;
                if (first.ResponseBody is { Length: > 0 } replay) await http.Response.Body.WriteAsync(replay, ct);
                return;
            case ClaimResult.InFlight:
                await Problem(http, 409, $"{IdempotencyKeyHeader.Name}: a request with this key is still being answered; retry later");
                return;
            case ClaimResult.Mismatch:
                await Problem(http, 422, $"{IdempotencyKeyHeader.Name}: this key was used for a different request");
                return;
        }

        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        var completed = false;
        try
        {
            await next(http);
            completed = http.Response.StatusCode < 500;
        }
        finally
        {
            http.Response.Body = original;
            if (completed)
                await store.CompleteAsync(caller.Id, key, http.Response.StatusCode, http.Response.ContentType,
                    http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null, captured.ToArray(), CancellationToken.None);
            else
                await store.ReleaseAsync(caller.Id, key, CancellationToken.None);
        }
        captured.Position = 0;
        await captured.CopyToAsync(original, ct);
    }

    private static bool Applies(HttpContext http) =>
        http.Request.Headers.ContainsKey(IdempotencyKeyHeader.Name)
        && http.Request.Path.StartsWithSegments("/api/v1")
        && (HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)
            || HttpMethods.IsPatch(http.Request.Method) || HttpMethods.IsDelete(http.Request.Method));

    /// <summary>SHA-256 of method, path and body: a retry is the same request; the body is rewound for the endpoint.</summary>
    private static async Task<string> RequestHashAsync(HttpContext http, CancellationToken ct)
    {
        http.Request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0) sha.AppendData(buffer, 0, read);
        http.Request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static Task Problem(HttpContext http, int status, string detail) =>
        Results.Problem(statusCode: status, detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [IdempotencyKeyHeader.Name] = [detail] } })
            .ExecuteAsync(http);
}
