using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pixelated.MigrationPipeline.Ledger;

/// <summary>Lets <c>dotnet ef migrations add X --context PostgresLedgerDbContext</c> build the model without a host.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLedgerDbContext>
{
    public PostgresLedgerDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresLedgerDbContext>();
        builder.UseLedgerPostgres("Host=localhost;Database=design_time");
        return new PostgresLedgerDbContext(builder.Options);
    }
}

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLedgerDbContext>
{
    public SqliteLedgerDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteLedgerDbContext>();
        builder.UseLedgerSqlite("Data Source=design_time.db");
        return new SqliteLedgerDbContext(builder.Options);
    }
}
