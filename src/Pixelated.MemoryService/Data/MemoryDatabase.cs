using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;
using Pixelated.MemoryService.Options;

namespace Pixelated.MemoryService.Data;

/// <summary>Registers <see cref="MemoryDbContext"/> on the provider chosen by <c>Memory:Provider</c>, migrated at start.</summary>
public static class MemoryDatabase
{
    public const string HistoryTable = "__memory_migrations";

    public static IServiceCollection AddMemoryDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MemoryOptions>()
            .Bind(configuration.GetSection(MemoryOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Memory") ?? o.ConnectionString)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = configuration.GetSection(MemoryOptions.Section).Get<MemoryOptions>() ?? new MemoryOptions();
        options.ConnectionString = configuration.GetConnectionString("Memory") ?? options.ConnectionString;
        if (options.IsPostgres)
            services.AddDbContext<MemoryDbContext, PostgresMemoryDbContext>(o => o.UseMemoryPostgres(options.ConnectionString));
        else
            services.AddDbContext<MemoryDbContext, SqliteMemoryDbContext>(o => o.UseMemorySqlite(options.ConnectionString));
        services.AddHostedService<MemoryDbMigrator>();
        return services;
    }

    public static DbContextOptionsBuilder UseMemoryPostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, o => o.MigrationsHistoryTable(HistoryTable)).UseSnakeCaseNamingConvention();

    public static DbContextOptionsBuilder UseMemorySqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, o => o.MigrationsHistoryTable(HistoryTable)).UseSnakeCaseNamingConvention();
}

/// <summary>Lets <c>dotnet ef migrations add X --context PostgresMemoryDbContext</c> build the model without a host.</summary>
public sealed class PostgresMemoryDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMemoryDbContext>
{
    public PostgresMemoryDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresMemoryDbContext>();
        builder.UseMemoryPostgres("Host=localhost;Database=design_time");
        return new PostgresMemoryDbContext(builder.Options);
    }
}

public sealed class SqliteMemoryDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMemoryDbContext>
{
    public SqliteMemoryDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteMemoryDbContext>();
        builder.UseMemorySqlite("Data Source=design_time.db");
        return new SqliteMemoryDbContext(builder.Options);
    }
}
