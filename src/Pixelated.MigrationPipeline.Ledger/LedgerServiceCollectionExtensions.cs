using Npgsql;
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
            services.AddSingleton<SqliteWriteGate>();
            services.AddDbContext<LedgerDbContext, SqliteLedgerDbContext>((provider, o) =>
                o.UseLedgerSqlite(options.ConnectionString).AddInterceptors(provider.GetRequiredService<SqliteWriteGate>()));
            services.AddSingleton<IUserLock, InProcessUserLock>();
        }

        services.AddHostedService<LedgerMigrator>();
        return services;
    }

    /// <remarks>
    /// EF Core opens and closes the connection around nearly every query, and Npgsql by default resets a pooled connection's
    /// session on each return (a <c>DISCARD ALL</c> before its next use: 18 statements per migrated user). The ledger's
    /// EF Core connections keep no session state (no <c>SET</c>, no temporary tables, no session advisory locks: those live on
    /// the user locks' own connections, whose pool keeps the reset), so their pool is told not to reset.
    /// </remarks>
    public static DbContextOptionsBuilder UseLedgerPostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString,
            o => o.MigrationsHistoryTable("__ledger_migrations")).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseLedgerSqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, o => o.MigrationsHistoryTable("__ledger_migrations")).UseSnakeCaseNamingConvention()
            .AddInterceptors(SqliteConnectionSetup.Instance);
}
