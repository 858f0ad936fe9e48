using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Ledger.Locks;

namespace Pixelated.MigrationPipeline.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>Registers <see cref="LedgerDbContext"/> on the provider chosen by <c>Ledger:Provider</c>.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LedgerOptions>()
            .Bind(configuration.GetSection(LedgerOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Ledger") ?? o.ConnectionString)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = new LedgerOptions();
        configuration.GetSection(LedgerOptions.Section).Bind(options);
        options.ConnectionString = configuration.GetConnectionString("Ledger") ?? options.ConnectionString;

        if (options.IsPostgres)
        {
            services.AddDbContext<LedgerDbContext, PostgresLedgerDbContext>(o => o.UseLedgerPostgres(options.ConnectionString));
            services.AddSingleton<IUserLock, PostgresAdvisoryUserLock>();
        }
        else
        {
            services.AddDbContext<LedgerDbContext, SqliteLedgerDbContext>(o => o.UseLedgerSqlite(options.ConnectionString));
            services.AddSingleton<IUserLock, InProcessUserLock>();
        }

        services.AddHostedService<LedgerMigrator>();
        return services;
    }

    public static DbContextOptionsBuilder UseLedgerPostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, o => o.MigrationsHistoryTable("__ledger_migrations")).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseLedgerSqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__ledger_migrations")).UseSnakeCaseNamingConvention()
            .AddInterceptors(SqliteConnectionSetup.Instance);
}
