using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Ledger;

namespace Pixelated.MigrationPipeline.Cli.Hosting;

/// <summary>Builds the CLI's in-process host: appsettings.json beside the executable, then environment, then the command's overrides.</summary>
public static class CliHost
{
    public static IHost BuildPipeline(IReadOnlyDictionary<string, string?> overrides, bool verbose) =>
        Build(overrides, verbose, (services, configuration) =>
        {
            services.AddMigrationPipeline(configuration);
            // Traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (a CLI run has no scrape endpoint).
            services.AddPipelineTelemetry(configuration, CliServiceName);
        });

    public const string CliServiceName = "pixelated-migrate-cli";

    public static IHost BuildLedgerOnly(IReadOnlyDictionary<string, string?> overrides) =>
        Build(overrides, verbose: false, (services, configuration) =>
        {
            services.AddLedger(configuration);
            services.TryAddSingleton(TimeProvider.System);
            services.AddScoped<Components.Runs.RunReportQuery>();
            services.AddScoped<Components.Runs.RunStatusRoller>();
            services.AddScoped<Components.Runs.RunHalts>();
            services.AddScoped<Components.Runs.AuditTrail>();
            services.AddScoped<Components.Retention.RunPurgeService>();
        });

    private static IHost Build(IReadOnlyDictionary<string, string?> overrides, bool verbose, Action<IServiceCollection, IConfiguration> register)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });
        builder.Configuration.AddInMemoryCollection(overrides);
        // Logs go to standard error so that standard output carries only the report (and stays valid JSON with --json).
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (!verbose)
        {
            builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Error);
            builder.Logging.AddFilter<ConsoleLoggerProvider>("Microsoft.Extensions.Hosting", LogLevel.None); // start-up failures are reported once, by the command
        }
        register(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>Overrides that select the embedded (one process) or distributed setup.</summary>
    public static Dictionary<string, string?> ModeOverrides(string bus, IConfiguration environment)
    {
        var overrides = new Dictionary<string, string?>();
        if (bus == "rabbitmq")
        {
            overrides["Pipeline:Bus"] = "rabbitmq";
            overrides["Ledger:Provider"] = "postgres";
        }
        else
        {
            overrides["Pipeline:Bus"] = "inmemory";
            overrides["Ledger:Provider"] = environment["Ledger:Provider"] ?? "sqlite";
        }
        return overrides;
    }
}
