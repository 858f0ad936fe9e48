using Npgsql;
using Pixelated.MigrationPipeline.Ledger.Staging;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>The staging's own binary COPY encoder, read back by a real PostgreSQL: every type it writes, at its edges.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_rows_are_copied_in_binary(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task PostgreSQL_reads_back_exactly_what_was_written()
    {
        var longUnicode = string.Concat(Enumerable.Repeat("Ängste 😟 記憶 — ", 9_000)); // ~150k chars, surrogate pairs across buffer ends
        var rows = new (Guid Id, string? Text, long Big, int Small, DateTimeOffset? At)[]
        {
            (Guid.NewGuid(), "plain", 0, 0, new DateTimeOffset(2024, 11, 27, 16, 53, 43, 276, TimeSpan.FromHours(-8)).AddTicks(8720)),
            (Guid.NewGuid(), null, long.MaxValue, int.MinValue, null),
            (Guid.NewGuid(), "", long.MinValue, int.MaxValue, new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero)),
            (Guid.NewGuid(), longUnicode, -1, -1, new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.FromHours(5.5))),
        };
        await using var connection = new NpgsqlConnection(await infrastructure.CreateDatabaseAsync("binary_copy"));
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE t (n int, id uuid, text text, big bigint, small int, at timestamptz)", connection))
            await create.ExecuteNonQueryAsync();

        await using (var copy = await connection.BeginRawBinaryCopyAsync("COPY t FROM STDIN (FORMAT BINARY)"))
        using (var writer = new PgBinaryCopyRows(copy))
        {
            writer.WriteHeader();
            for (var n = 0; n < 3_000; n++) // many rows: the buffer is flushed many times, mid-value for the long text
            {
                var row = rows[n % rows.Length];
                writer.StartRow(6);
                writer.WriteInt32Field(n);
                writer.WriteUuid(row.Id);
                writer.WriteText(row.Text);
                writer.WriteInt64Field(row.Big);
                writer.WriteInt32Field(row.Small);
                writer.WriteTimestamp(row.At);
            }
            writer.Complete();
        }

        await using var read = new NpgsqlCommand("SELECT n, id, text, big, small, at FROM t ORDER BY n", connection);
        await using var reader = await read.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            var row = rows[count % rows.Length];
            Assert.Equal(count, reader.GetInt32(0));
            Assert.Equal(row.Id, reader.GetGuid(1));
            Assert.Equal(row.Text, reader.IsDBNull(2) ? null : reader.GetString(2));
            Assert.Equal(row.Big, reader.GetInt64(3));
            Assert.Equal(row.Small, reader.GetInt32(4));
            Assert.Equal(row.At?.UtcDateTime, reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTime>(5));
            count++;
        }
        Assert.Equal(3_000, count);
    }

    [Fact]
    public async Task A_copy_abandoned_midway_commits_nothing()
    {
        await using var connection = new NpgsqlConnection(await infrastructure.CreateDatabaseAsync("binary_copy_cancel"));
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE t (text text)", connection)) await create.ExecuteNonQueryAsync();

        await using (var copy = await connection.BeginRawBinaryCopyAsync("COPY t FROM STDIN (FORMAT BINARY)"))
        using (var writer = new PgBinaryCopyRows(copy))
        {
            writer.WriteHeader();
            for (var n = 0; n < 50_000; n++)
            {
                writer.StartRow(1);
                writer.WriteText("row " + n);
            }
            await copy.CancelAsync();
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM t", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }
}
