using System.Diagnostics;
using MassTransit;
using Npgsql;
using NpgsqlTypes;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The raw rates of what the pipeline is built on, measured in the same run: MassTransit publish + consume of no-op
/// messages (RabbitMQ and in-memory; prefetch 256, 64 concurrent) and PostgreSQL inserts of ledger-like rows
/// (multi-row INSERT of 1,000 rows per statement, and binary COPY).
/// </summary>
public static class InfrastructureRates
{
    public sealed record NoOp(Guid RunId, string UserKey);

    public static async Task<object> MeasureAsync(string rabbitUri, string postgres, int messages = 20_000, int rows = 100_000)
    {
        var rabbit = await BusRateAsync(messages, consume => Bus.Factory.CreateUsingRabbitMq(c =>
        {
            c.Host(new Uri(rabbitUri));
            c.ReceiveEndpoint("bench-raw-noop", e => { e.PrefetchCount = 256; e.ConcurrentMessageLimit = 64; e.Handler<NoOp>(consume); });
        }));
        var inMemory = await BusRateAsync(messages, consume => Bus.Factory.CreateUsingInMemory(c =>
            c.ReceiveEndpoint("bench-raw-noop", e => { e.ConcurrentMessageLimit = 64; e.Handler<NoOp>(consume); })));
        var (insert, copy) = await PostgresRatesAsync(postgres, rows);
        return new
        {
            massTransitRabbitMqMessagesPerSecond = rabbit,
            massTransitInMemoryMessagesPerSecond = inMemory,
            postgresMultiRowInsertRowsPerSecond = insert,
            postgresBinaryCopyRowsPerSecond = copy,
            messages,
            rows,
        };
    }

    private static async Task<double> BusRateAsync(int messages, Func<MessageHandler<NoOp>, IBusControl> create)
    {
        var consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = create(_ =>
        {
            if (Interlocked.Increment(ref consumed) == messages) done.TrySetResult();
            return Task.CompletedTask;
        });
        await bus.StartAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            var runId = Guid.NewGuid();
            for (var sent = 0; sent < messages; sent += 500)
                await Task.WhenAll(Enumerable.Range(sent, Math.Min(500, messages - sent)).Select(i => bus.Publish(new NoOp(runId, $"user-{i}"))));
            await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
            return Math.Round(messages / watch.Elapsed.TotalSeconds, 0);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private const string CreateTable = """
        CREATE TABLE bench_raw_items (id bigserial PRIMARY KEY, run_id uuid NOT NULL, user_key text NOT NULL, item_key text NOT NULL,
            kind int NOT NULL, status int NOT NULL, content_hash text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL);
        CREATE UNIQUE INDEX ON bench_raw_items (run_id, item_key);
        CREATE INDEX ON bench_raw_items (run_id, user_key);
        """;

    private static async Task<(double Insert, double Copy)> PostgresRatesAsync(string connectionString, int rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand(CreateTable, connection)) await create.ExecuteNonQueryAsync();
        var payload = new string('x', 300);
        var now = DateTimeOffset.UtcNow;

        var insertRun = Guid.NewGuid();
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < rows; start += 1000)
        {
            var count = Math.Min(1000, rows - start);
            await using var insert = new NpgsqlCommand(
                "INSERT INTO bench_raw_items (run_id, user_key, item_key, kind, status, content_hash, payload, created_at) " +
                "SELECT @run, 'user-' || (i / 30), 'item-' || i, 1, 0, md5(i::text), @payload, @now FROM unnest(@ids) AS i", connection);
            insert.Parameters.AddWithValue("run", insertRun);
            insert.Parameters.AddWithValue("payload", payload);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("ids", Enumerable.Range(start, count).ToArray());
            await insert.ExecuteNonQueryAsync();
        }
        var insertRate = Math.Round(rows / watch.Elapsed.TotalSeconds, 0);

        var copyRun = Guid.NewGuid();
        watch.Restart();
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY bench_raw_items (run_id, user_key, item_key, kind, status, content_hash, payload, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(copyRun, NpgsqlDbType.Uuid);
                await writer.WriteAsync($"user-{i / 30}", NpgsqlDbType.Text);
                await writer.WriteAsync($"item-{i}", NpgsqlDbType.Text);
                await writer.WriteAsync(1, NpgsqlDbType.Integer);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(Convert.ToHexString(BitConverter.GetBytes(i)), NpgsqlDbType.Text);
                await writer.WriteAsync(payload, NpgsqlDbType.Text);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }
        var copyRate = Math.Round(rows / watch.Elapsed.TotalSeconds, 0);
        return (insertRate, copyRate);
    }
}
