using Microsoft.Extensions.Options;
using Npgsql;

namespace Pixelated.MigrationPipeline.Ledger.Locks;

/// <summary>
/// A PostgreSQL session-level advisory lock on a connection of its own: held while the user is processed, and released
/// by the server when the holder's connection ends, even if its process was killed.
/// </summary>
public sealed class PostgresAdvisoryUserLock(IOptions<LedgerOptions> options) : IUserLock
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string target, string userKey, CancellationToken ct)
    {
        var key = LockKey.Of(target, userKey);
        var connection = new NpgsqlConnection(options.Value.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            if (await command.ExecuteScalarAsync(ct) is true) return new Held(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    private sealed class Held(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", key);
                await command.ExecuteScalarAsync();
            }
            catch (NpgsqlException)
            {
                // The connection is gone: the server has released the lock with the session.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
