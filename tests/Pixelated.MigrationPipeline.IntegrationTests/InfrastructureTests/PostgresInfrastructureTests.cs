using Npgsql;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.InfrastructureTests;

[Collection(InfrastructureCollection.Name)]
public sealed class PostgresInfrastructureTests(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task Creates_a_fresh_database_and_round_trips_a_row()
    {
        output.WriteLine($"PostgreSQL ({infrastructure.PostgresMode}); fixture start-up took {infrastructure.StartupDuration.TotalMilliseconds:F0} ms");
        var connectionString = await infrastructure.CreateDatabaseAsync("Infra Test-Roundtrip");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.StartsWith("infra_test_roundtrip_", builder.Database, StringComparison.Ordinal);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));

        await ExecuteAsync(connection, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)");
        await using (var insert = new NpgsqlCommand("INSERT INTO items (id, name) VALUES (@id, @name)", connection))
        {
            insert.Parameters.AddWithValue("id", 1);
            insert.Parameters.AddWithValue("name", "pixel");
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        Assert.Equal("pixel", await ScalarAsync<string>(connection, "SELECT name FROM items WHERE id = 1"));
    }

    [Fact]
    public async Task Each_created_database_is_isolated()
    {
        var first = await infrastructure.CreateDatabaseAsync("iso");
        var second = await infrastructure.CreateDatabaseAsync("iso");
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE only_here (id int)");
        }

        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync();
            Assert.Null(await ScalarAsync<string?>(connection, "SELECT to_regclass('only_here')::text"));
        }
    }

    [Fact]
    public async Task Postgres_can_be_stopped_and_started_again()
    {
        if (!infrastructure.CanStopStartPostgres)
        {
            output.WriteLine($"Skipped: PostgreSQL is provided in mode {infrastructure.PostgresMode}; stop/start needs local processes.");
            await Assert.ThrowsAsync<NotSupportedException>(infrastructure.StopPostgresAsync);
            return;
        }

        var connectionString = await infrastructure.CreateDatabaseAsync("restart");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')");
        }

        await infrastructure.StopPostgresAsync();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        });
        await infrastructure.StartPostgresAsync();

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            Assert.Equal("survives", await ScalarAsync<string>(connection, "SELECT v FROM kept"));
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }
}
