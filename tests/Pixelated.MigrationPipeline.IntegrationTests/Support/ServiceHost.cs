using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pixelated.MigrationPipeline.Components.Hosting;
using Pixelated.MigrationPipeline.Components.Migration;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>
/// A bare host over a PostgreSQL (or SQLite) ledger (migrated at start) for tests that drive one service directly instead of the
/// whole pipeline: the ledger alone, or with a Zep client to the emulator and the <see cref="UserMigrationService"/>.
/// </summary>
public static class ServiceHost
{
    public static Task<IHost> LedgerOnlyAsync(string ledger, Action<IServiceCollection> services) =>
        StartAsync(ledger, [], services);

    /// <summary>The same over a SQLite ledger (the embedded mode's) in the given file.</summary>
    public static Task<IHost> SqliteLedgerOnlyAsync(string file, Action<IServiceCollection> services) =>
        StartAsync($"Data Source={file}", new Dictionary<string, string?> { ["Ledger:Provider"] = "sqlite" }, (s, _) => services(s));

    public static Task<IHost> MigrationAsync(string ledger, ZepEmulatorHost zep, string writeMode) =>
        StartAsync(ledger, MigrationSettings(zep, writeMode), (services, configuration) => AddMigration(services, configuration));

    /// <summary>
    /// The same over a SQLite ledger in the given file, with validation too; <paramref name="services"/> adds to it,
    /// <paramref name="overrides"/> to its settings.
    /// </summary>
    public static Task<IHost> SqliteMigrationAsync(string file, ZepEmulatorHost zep, string writeMode, Action<IServiceCollection> services,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = MigrationSettings(zep, writeMode);
        settings["Ledger:Provider"] = "sqlite";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        return StartAsync($"Data Source={file}", settings, (s, configuration) =>
        {
            AddMigration(s, configuration).AddScoped<UserValidationService>();
            services(s);
        });
    }

    private static Dictionary<string, string?> MigrationSettings(ZepEmulatorHost zep, string writeMode) => new()
    {
        ["Zep:BaseUrl"] = zep.ApiBaseUrl.AbsoluteUri,
        ["ZEP_API_KEY"] = zep.Options.ApiKey,
        ["Zep:WriteMode"] = writeMode,
        ["Zep:RequestTimeoutSeconds"] = "10",
        ["Zep:CircuitBreakSeconds"] = "1",
    };

    private static IServiceCollection AddMigration(IServiceCollection services, IConfiguration configuration) =>
        services.AddZepClient(configuration).AddUserMigration();

    /// <summary>Migrates one user in a scope of its own, as one delivery of its MigrateUser would (the token: the delivery's).</summary>
    public static async Task<bool> MigrateUserAsync(this IServiceProvider services, Guid runId, string user, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserMigrationService>().MigrateAsync(runId, user, ct);
    }

    private static Task<IHost> StartAsync(string ledger, Dictionary<string, string?> settings, Action<IServiceCollection> services) =>
        StartAsync(ledger, settings, (s, _) => services(s));

    private static async Task<IHost> StartAsync(string ledger, Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> services)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        settings.TryAdd("Ledger:Provider", "postgres");
        settings["ConnectionStrings:Ledger"] = ledger;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLedger(builder.Configuration);
        builder.Services.TryAddSingleton(TimeProvider.System); // as every host has it (the run services take their time from it)
        services(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(); // applies the ledger migrations
        return host;
    }
}
