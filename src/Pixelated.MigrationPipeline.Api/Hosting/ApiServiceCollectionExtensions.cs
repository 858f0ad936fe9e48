using Pixelated.MigrationPipeline.Ledger.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Api.Audit;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Api.Dashboard;
using Pixelated.MigrationPipeline.Api.Endpoints;
using Pixelated.MigrationPipeline.Api.Health;
using Pixelated.MigrationPipeline.Api.Options;
using Pixelated.MigrationPipeline.Api.Security;
using Pixelated.MigrationPipeline.Api.Uploads;
using Pixelated.MigrationPipeline.Components;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Ledger;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Zep.Health;

namespace Pixelated.MigrationPipeline.Api.Hosting;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The pipeline (consuming in this process on the in-memory bus; publishing only on RabbitMQ, where workers consume),
    /// API-key authentication and roles, the dashboard (its cookie sign-in, pages and actions), the audit trail of refusals, uploads, problem details, health checks and OpenAPI.
    /// </summary>
    public static IServiceCollection AddMigrationApi(this IServiceCollection services, IConfiguration configuration)
    {
        var pipeline = configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
        services.AddMigrationPipeline(configuration, consumers: !pipeline.UsesRabbitMq);
        services.AddApiTelemetry(configuration);

        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Read, p => p.RequireAuthenticatedUser().RequireRole(ApiRoles.Operator, ApiRoles.Viewer))
            .AddPolicy(ApiPolicies.Operate, p => p.RequireAuthenticatedUser().RequireRole(ApiRoles.Operator));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();

        services.AddSingleton<DropFolder>();
        services.AddScoped<UploadStore>();
        services.AddScoped<StartRequestReader>();
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddAuthFailureLimiter();
        // Statuses (and every other enum) by their snake_case wire names, in the JSON and in the OpenAPI document's enums.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(StatusNames.JsonConverter()));

        services.AddHttpClient(ZepHealthCheck.ClientName);
        services.AddSingleton<ZepHealthCheck>();
        services.AddHealthChecks()
            .AddDbContextCheck<LedgerDbContext>("ledger", tags: [HealthEndpoints.ReadyTag],
                customTestQuery: async (db, ct) => { await db.Runs.AnyAsync(ct); return true; })
            .AddCheck<ZepHealthCheck>("zep", tags: [HealthEndpoints.ReadyTag]);
        services.AddOpenApi(o => o.AddDocumentTransformer<ApiKeySecurityTransformer>());
        services.AddDashboard();
        return services;
    }
}
