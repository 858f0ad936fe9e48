using Pixelated.MemoryService.Auth;

namespace Pixelated.MemoryService.Mcp;

/// <summary>
/// <c>/mcp</c>: the memory operations as MCP tools over streamable HTTP (<c>ModelContextProtocol.AspNetCore</c>). Stateless,
/// so that several instances can serve it behind a balancer without session affinity (no server-to-client requests are
/// needed). Under the same bearer authentication as <c>/api/v1</c> (no token or a bad one: 401), and each tool calls the
/// same application service as its route, so the same access rules and audit apply.
/// </summary>
public static class McpEndpoint
{
    public const string Path = "/mcp";

    public static IServiceCollection AddMemoryMcp(this IServiceCollection services)
    {
        services.AddScoped<ToolCaller>();
        services.AddScoped<ToolIdempotency>();
        services.AddMcpServer(o => o.ServerInfo = new() { Name = "pixelated-memory", Version = "1.0" })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<SessionTools>()
            .WithTools<MessageTools>()
            .WithTools<RecordTools>()
            .WithTools<StatsTools>();
        return services;
    }

    public static IEndpointConventionBuilder MapMemoryMcp(this IEndpointRouteBuilder app) =>
        app.MapMcp(Path).RequireAuthorization(BearerAuthentication.CallerPolicy);
}
