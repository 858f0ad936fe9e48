using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Mcp;

/// <summary>
/// The caller of a tool call: the bearer token of the <c>/mcp</c> request it came in. The transport is stateless, so
/// each call is answered inside its own HTTP request, and <c>/mcp</c> requires <see cref="BearerAuthentication.CallerPolicy"/>
/// (a subject and a known role) before the MCP handler runs.
/// </summary>
public sealed class ToolCaller(IHttpContextAccessor http)
{
    public Caller Current =>
        (http.HttpContext?.User is { } user ? Caller.From(user) : null)
        ?? throw new InvalidOperationException("a tool ran outside an authenticated /mcp request");
}
