using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.Consumers;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Repair;
using Pixelated.MigrationPipeline.Components.Retention;
using Pixelated.MigrationPipeline.Components.RateBudget;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Zep.RateBudget;
using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.Components.Telemetry;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Staging;
using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Hosting;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Everything a pipeline host needs: options, ledger, Zep client, services, and MassTransit with the three consumers
    /// on the transport chosen by <c>Pipeline:Bus</c> (in-memory, or RabbitMQ at <c>ConnectionStrings:RabbitMq</c>, on the
    /// nodes of <c>RabbitMq:ClusterNodes</c> when set).
    /// With <paramref name="consumers"/> false the host only publishes (an API in front of RabbitMQ workers).
    /// </summary>
    public static IServiceCollection AddMigrationPipeline(this IServiceCollection services, IConfiguration configuration, bool consumers = true)
    {
        services.AddOptions<PipelineOptions>()
            .Bind(configuration.GetSection(PipelineOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var pipeline = configuration.GetSection(PipelineOptions.Section).Get<PipelineOptions>() ?? new PipelineOptions();
        services.AddOptions<RabbitMqOptions>()
            .Bind(configuration.GetSection(RabbitMqOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddLedger(configuration);
        if (IsPostgresLedger(configuration))
        {
            services.AddSingleton<IZepRateBudget, PostgresRateBudget>();
            services.AddScoped<IStagedItemSink, PostgresCopyStagedItemSink>();
        }
        else
        {
            services.AddScoped<IStagedItemSink, SqliteStagedItemSink>();
        }
        services.AddZepClient(configuration);

        services.AddScoped<ExportStagingService>();
        services.AddScoped<RunIngestionService>();
        services.AddUserMigration();
        services.AddScoped<UserValidationService>();
        services.AddScoped<RunReportQuery>();
        services.AddScoped<RunLauncher>();
        services.AddScoped<RunDispatcher>();
        services.AddScoped<RunProgress>();
        services.AddScoped<RunControlService>();
        services.AddScoped<RunRepairService>();
        services.AddScoped<RunPurgeService>();
        services.AddScoped<ContentRefill>();
        services.AddScoped<RunHalts>();
        services.AddScoped<AuditTrail>();
        services.AddSingleton<RunLeaseKeeper>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddMassTransit(x =>
        {
            // MassTransit 8.5 reports usage to usage-tracking.masstransit.io after the bus starts. A health-data system calls
            // nothing but its RabbitMQ, PostgreSQL and Zep: off in every host (API, worker, CLI), whatever the environment says.
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            if (consumers)
            {
                // Each consumer's policy (concurrency from Pipeline:*, retry, quorum queue, Zep request counting) is its definition's.
                x.AddConsumer<IngestExportConsumer, IngestExportConsumerDefinition>();
                x.AddConsumer<MigrateUserConsumer, MigrateUserConsumerDefinition>();
                x.AddConsumer<ValidateUserConsumer, ValidateUserConsumerDefinition>();
            }

            if (pipeline.UsesRabbitMq)
            {
                var uri = configuration.GetConnectionString("RabbitMq")
                          ?? throw new InvalidOperationException("Pipeline:Bus is 'rabbitmq' but ConnectionStrings:RabbitMq is not set (an amqp:// URI).");
                x.UsingRabbitMq((context, cfg) =>
                {
                    // The URI gives the credentials and virtual host; RabbitMq:ClusterNodes, when set, the nodes to connect to
                    // (the first that answers, the next one when it goes away).
                    var nodes = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value.ClusterNodes;
                    cfg.Host(new Uri(uri), h =>
                    {
                        if (nodes.Length > 0) h.UseCluster(c => { foreach (var node in nodes) c.Node(node); });
                    });
                    cfg.UseZepOutageKillSwitch();
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseZepOutageKillSwitch();
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        // After MassTransit's hosted service: it waits until the bus is started, so a resumed run publishes on a started bus.
        if (consumers) services.AddHostedService<RunLeaseService>();
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    private static bool IsPostgresLedger(IConfiguration configuration) =>
        string.Equals(configuration[$"{LedgerOptions.Section}:Provider"], "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The migration of one user (<see cref="UserMigrationService"/>), the process-wide pool of shared batches it uses and
    /// the run's Zep request counter it records its requests in (and the consume filter that counts each delivery's).
    /// </summary>
    public static IServiceCollection AddUserMigration(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<PipelineMetrics>(); // items and ingest counters (AddPipelineTelemetry exports them)
        services.AddSingleton<SharedBatchPool>();
        services.AddScoped<RunStatusRoller>();
        services.AddScoped<RunZepRequests>();
        services.AddScoped<ZepRequestsPerUserFilter>();
        services.AddScoped<UserMigrationService>();
        return services;
    }
}
