using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Application;
using Pixelated.MemoryService.Application.AuditQueries;
using Pixelated.MemoryService.Application.Memory;
using Pixelated.MemoryService.Application.Sessions;
using Pixelated.MemoryService.Application.Users;
using Pixelated.MemoryService.Audit;
using Pixelated.MemoryService.Auth;
using Pixelated.MemoryService.Data;
using Pixelated.MemoryService.Endpoints;
using Pixelated.MemoryService.Idempotency;
using Pixelated.MemoryService.Mcp;
using Pixelated.MemoryService.Options;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Health;

namespace Pixelated.MemoryService.Hosting;

public static class MemoryServiceCollectionExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// The Zep client (the migration's: limits, resilience, rate budget), the service database, bearer authentication,
    /// the access rules and audit, the operations, the MCP tools, problem details, health checks and OpenAPI.
    /// </summary>
    public static IServiceCollection AddMemoryService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddZepClient(configuration);
        services.AddMemoryDatabase(configuration);
        services.AddBearerAuthentication(configuration);
        services.AddScoped<AccessPolicy>();
        services.AddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.AddScoped<AuditTrail>();
        services.AddScoped<Guard>();
        services.AddScoped<AuditReader>();
        services.AddScoped<IdempotencyStore>();
        services.AddHostedService<IdempotencyRetention>();
        services.AddMemoryOperations();
        services.AddScoped<SessionDirectory>();
        services.AddScoped<UserService>();
        services.AddScoped<UserErasure>();
        services.AddScoped<AssignmentService>();
        services.AddScoped<SessionService>();
        services.AddHostedService<SessionSweeper>();
        services.AddMemoryMcp();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = BodyProblems.NameTheBody);
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddExceptionHandler<ZepProblems>();
        services.AddHttpContextAccessor();
        services.AddHttpClient(ZepHealthCheck.ClientName);
        services.AddSingleton<ZepHealthCheck>();
        services.AddHealthChecks()
            .AddDbContextCheck<MemoryDbContext>("database", tags: [ReadyTag])
            .AddCheck<ZepHealthCheck>("zep", tags: [ReadyTag]);
        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());
        return services;
    }
}
