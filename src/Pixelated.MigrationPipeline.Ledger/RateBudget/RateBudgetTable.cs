using Npgsql;

namespace Pixelated.MigrationPipeline.Ledger.RateBudget;

/// <summary>
/// The SQL of the distributed mode's shared rate budget: one token bucket per Zep account (<paramref name="target"/>) in
/// <c>zep_rate_budget</c>, taken from under its row lock, and the pause Zep asked for stored in the same row. What the
/// bucket is for (the limit, waiting, honouring pauses) is decided by the rate budget in Components that calls this.
/// </summary>
public sealed class RateBudgetTable(string connectionString, string target)
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

    private volatile bool _rowExists;

    /// <summary>
    /// One turn at the shared bucket, under its row lock, refilled at <paramref name="ratePerSecond"/> up to
    /// <paramref name="capacity"/> by the database's clock: null when a permit was taken, else how long to wait.
    /// </summary>
    public async Task<TimeSpan?> TryTakeAsync(double ratePerSecond, double capacity, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        if (!_rowExists)
        {
            await using var ensure = new NpgsqlCommand(EnsureRowSql, connection);
            ensure.Parameters.AddWithValue("target", target);
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
            read.Parameters.AddWithValue("target", target);
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
            write.Parameters.AddWithValue("target", target);
            write.Parameters.AddWithValue("tokens", granted ? available - 1 : available);
            write.Parameters.AddWithValue("now", now);
            await write.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);

        if (granted) return null;
        return blocked ? blockedUntil!.Value - now : TimeSpan.FromSeconds(Math.Max(0.01, (1 - available) / ratePerSecond));
    }

    /// <summary>Stores a pause for every worker; a later pause already stored is kept.</summary>
    public async Task BlockUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(BlockSql, connection);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("until", until.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The stored pause, if any (it may be over already).</summary>
    public async Task<DateTimeOffset?> ReadBlockAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(ReadBlockSql, connection);
        command.Parameters.AddWithValue("target", target);
        return await command.ExecuteScalarAsync(ct) is DateTime until ? new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)) : null;
    }
}
