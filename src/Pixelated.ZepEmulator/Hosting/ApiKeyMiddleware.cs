using Microsoft.Extensions.Options;
using Pixelated.ZepEmulator.Errors;

namespace Pixelated.ZepEmulator.Hosting;

/// <summary>
/// Requires exactly <c>Authorization: Api-Key &lt;key&gt;</c> (scheme spelled as Zep's SDKs send it, one space).
/// Anything else gets 401 <c>{"message":"unauthorized","request_id":...}</c>.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<EmulatorOptions> options)
{
    private readonly string _expected = "Api-Key " + options.Value.ApiKey;

    public Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization;
        if (header.Count != 1 || !string.Equals(header[0], _expected, StringComparison.Ordinal))
        {
            return ZepError.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized");
        }

        return next(context);
    }
}
