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
    private const string EnsureRowSql = """
        INSERT INTO zep_rate_budget (target, tokens, updated_at, blocked_until) VALUES (@target, @cap, clock_timestamp(), NULL)
        ON CONFLICT (target) DO NOTHING
        """;

    private const string LockRowSql =
        "SELECT tokens, updated_at, blocked_until, clock_timestamp() FROM zep_rate_budget WHERE target = @target FOR UPDATE";

    private const string UpdateRowSql = "UPDATE zep_rate_budget SET tokens = @tokens, updated_at = @now WHERE target = @target";

    private const string BlockSql = """
        INSERT INTO zep_rate_budget (target, tokens, updated_at, blocked_until) VALUES (@target, 0, clock_timestamp(), @until)
        ON CONFLICT (target) DO UPDATE SET blocked_until = GREATEST(COALESCE(zep_rate_budget.blocked_until, @until), @until);
        """;

    private const string ReadBlockSql = "SELECT blocked_until FROM zep_rate_budget WHERE target = @target";

    private readonly string _target = zep.Value.Target;
    private volatile bool _rowExists;
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
        while (true)
        {
            var wait = await TryTakeAsync(limit / 60.0, Math.Max(1.0, limit / 20.0), ct);
            if (wait is null) return;
            await Task.Delay(wait.Value + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 20)), clock, ct);
        }
    }

    /// <summary>One turn at the shared bucket, under its row lock: null when a permit was taken, else how long to wait.</summary>
    private async Task<TimeSpan?> TryTakeAsync(double ratePerSecond, double capacity, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ledger.Value.ConnectionString);
        await connection.OpenAsync(ct);
        if (!_rowExists)
        {
            await using var ensure = new NpgsqlCommand(EnsureRowSql, connection);
            ensure.Parameters.AddWithValue("target", _target);
            ensure.Parameters.AddWithValue("cap", capacity);
            await ensure.ExecuteNonQueryAsync(ct);
            _rowExists = true;
        }

        await using var transaction = await connection.BeginTransactionAsync(ct);
        double tokens;
        DateTime updatedAt, now;
        DateTime? blockedUntil;
        await using (var read = new NpgsqlCommand(LockRowSql, connection, transaction))
        {
            read.Parameters.AddWithValue("target", _target);
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                _rowExists = false; // the row vanished (a reset ledger): recreate it on the next turn
                return TimeSpan.Zero;
            }
            tokens = reader.GetDouble(0);
            updatedAt = reader.GetDateTime(1);
            blockedUntil = reader.IsDBNull(2) ? null : reader.GetDateTime(2);
            now = reader.GetDateTime(3);
        }

        var available = Math.Min(capacity, tokens + Math.Max(0, (now - updatedAt).TotalSeconds) * ratePerSecond);
        var blocked = blockedUntil > now;
        var granted = !blocked && available >= 1;
        await using (var write = new NpgsqlCommand(UpdateRowSql, connection, transaction))
        {
            write.Parameters.AddWithValue("target", _target);
            write.Parameters.AddWithValue("tokens", granted ? available - 1 : available);
            write.Parameters.AddWithValue("now", now);
            await write.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);

        if (granted) return null;
        return blocked ? blockedUntil!.Value - now : TimeSpan.FromSeconds(Math.Max(0.01, (1 - available) / ratePerSecond));
    }

    public async ValueTask BlockUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        AtomicMax.Raise(ref _knownBlockUntilTicks, until.UtcTicks);
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
            if (await command.ExecuteScalarAsync(ct) is DateTime until) AtomicMax.Raise(ref _knownBlockUntilTicks, new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)).UtcTicks);
        }
        var wait = new DateTimeOffset(Interlocked.Read(ref _knownBlockUntilTicks), TimeSpan.Zero) - clock.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
    }
}
