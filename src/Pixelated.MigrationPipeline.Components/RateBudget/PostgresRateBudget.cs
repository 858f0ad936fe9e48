using Microsoft.Extensions.Options;
using Npgsql;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.RateBudget;

namespace Pixelated.MigrationPipeline.Components.RateBudget;

/// <summary>
/// The distributed mode's budget: one token bucket per Zep account in the ledger (<c>zep_rate_budget</c>), refilled at
/// <c>Zep:RequestsPerMinute</c>, from which every worker process takes each permit, so N workers together stay under the
/// account's limit and none idles while the others have permits to spare. Pauses that Zep asks for are stored in the same
/// row and honoured by all workers.
/// </summary>
public sealed class PostgresRateBudget(IOptions<LedgerOptions> ledger, IOptions<ZepOptions> zep, TimeProvider clock) : IZepRateBudget
{
    private const string TakeSql = """
        INSERT INTO zep_rate_budget (target, tokens, updated_at, blocked_until) VALUES (@target, @cap, clock_timestamp(), NULL)
        ON CONFLICT (target) DO NOTHING;
        WITH s AS (
            SELECT target,
                   LEAST(@cap, tokens + EXTRACT(EPOCH FROM (clock_timestamp() - updated_at)) * @rate) AS available,
                   COALESCE(blocked_until > clock_timestamp(), false) AS blocked,
                   blocked_until
            FROM zep_rate_budget WHERE target = @target FOR UPDATE)
        UPDATE zep_rate_budget b
        SET tokens = CASE WHEN NOT s.blocked AND s.available >= 1 THEN s.available - 1 ELSE s.available END,
            updated_at = clock_timestamp()
        FROM s WHERE b.target = s.target
        RETURNING (NOT s.blocked AND s.available >= 1), s.available, s.blocked_until;
        """;

    private const string BlockSql = """
        INSERT INTO zep_rate_budget (target, tokens, updated_at, blocked_until) VALUES (@target, 0, clock_timestamp(), @until)
        ON CONFLICT (target) DO UPDATE SET blocked_until = GREATEST(COALESCE(zep_rate_budget.blocked_until, @until), @until);
        """;

    private const string ReadBlockSql = "SELECT blocked_until FROM zep_rate_budget WHERE target = @target";

    private readonly string _target = zep.Value.Target;
    private int _limit = zep.Value.RequestsPerMinute;
    private long _knownBlockUntilTicks;
    private long _blockCheckedAtTicks;

    public async ValueTask AcquireAsync(CancellationToken ct)
    {
        var limit = Volatile.Read(ref _limit);
        if (limit == 0)
        {
            await HonourBlockAsync(ct); // unlimited: only the pauses Zep asked for
            return;
        }
        var rate = limit / 60.0;
        var cap = Math.Max(1.0, limit / 20.0);
        while (true)
        {
            await using var connection = new NpgsqlConnection(ledger.Value.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(TakeSql, connection);
            command.Parameters.AddWithValue("target", _target);
            command.Parameters.AddWithValue("cap", cap);
            command.Parameters.AddWithValue("rate", rate);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct); // the INSERT's (empty) result
            if (!await reader.ReadAsync(ct)) continue;
            if (reader.GetBoolean(0)) return;

            var available = reader.GetDouble(1);
            var wait = reader.IsDBNull(2) || reader.GetFieldValue<DateTimeOffset>(2) <= clock.GetUtcNow()
                ? TimeSpan.FromSeconds(Math.Max(0.01, (1 - available) / rate))
                : reader.GetFieldValue<DateTimeOffset>(2) - clock.GetUtcNow();
            await reader.DisposeAsync();
            await connection.DisposeAsync();
            await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 20)), clock, ct);
        }
    }

    public async ValueTask BlockUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        InterlockedMax(ref _knownBlockUntilTicks, until.UtcTicks);
        await using var connection = new NpgsqlConnection(ledger.Value.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(BlockSql, connection);
        command.Parameters.AddWithValue("target", _target);
        command.Parameters.AddWithValue("until", until.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    public void ObserveLimit(int requestsPerMinute)
    {
        var current = Volatile.Read(ref _limit);
        if (current > 0 && requestsPerMinute > 0 && requestsPerMinute < current) Volatile.Write(ref _limit, requestsPerMinute);
    }

    /// <summary>Without a client-side limit, reads the shared pause at most once a second (no query per request).</summary>
    private async Task HonourBlockAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now.UtcTicks - Interlocked.Read(ref _blockCheckedAtTicks) > TimeSpan.TicksPerSecond)
        {
            Interlocked.Exchange(ref _blockCheckedAtTicks, now.UtcTicks);
            await using var connection = new NpgsqlConnection(ledger.Value.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(ReadBlockSql, connection);
            command.Parameters.AddWithValue("target", _target);
            if (await command.ExecuteScalarAsync(ct) is DateTime until) InterlockedMax(ref _knownBlockUntilTicks, new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)).UtcTicks);
        }
        var wait = new DateTimeOffset(Interlocked.Read(ref _knownBlockUntilTicks), TimeSpan.Zero) - clock.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref target);
            if (current >= value) return;
        }
        while (Interlocked.CompareExchange(ref target, value, current) != current);
    }
}
