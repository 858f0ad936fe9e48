using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Ledger.Staging;

/// <summary>
/// Binary COPY into <c>staged_items</c> (DESIGN.md §2: ~10x batched inserts), two batches at a time, each on its own
/// pooled connection to the ledger: one PostgreSQL backend spends most of a core per row on the heap, the key index and
/// the WAL. Rows are encoded by <see cref="PgBinaryCopyRows"/> into Npgsql's raw COPY stream. Duplicates across batches are caught by the table's unique index, not by memory: such a batch is re-sent as
/// <c>INSERT … ON CONFLICT DO NOTHING</c>, so a multi-GB export is de-duplicated exactly in constant memory. Two
/// concurrent batches holding the same two keys in crossed order can deadlock; the batch PostgreSQL picks as the victim
/// is re-sent the same way once the other one committed.
/// </summary>
public sealed class PostgresCopyStagedItemSink(LedgerDbContext db) : IStagedItemSink
{
    private const int Attempts = 3;

    /// <summary>Every column staging fills; <c>change</c> and <c>version</c> keep their defaults (None, 0) until a sync plans the run.</summary>
    private const string Columns =
        "run_id, user_key, item_key, kind, status, reason, source_file, record_index, session_id, role, name, " +
        "content, content_hash, created_at, updated_at, sequence, categories_json, metadata_json";

    private const string Copy = $"COPY staged_items ({Columns}) FROM STDIN (FORMAT BINARY)";

    private const string InsertIgnoringDuplicates =
        $"INSERT INTO staged_items ({Columns}) " +
        "SELECT * FROM unnest(@run_id, @user_key, @item_key, @kind, @status, @reason, @source_file, @record_index, @session_id, " +
        "@role, @name, @content, @content_hash, @created_at, @updated_at, @sequence, @categories_json, @metadata_json) " +
        "ON CONFLICT (run_id, user_key, item_key) DO NOTHING";

    private readonly string _connectionString =
        db.Database.GetConnectionString() ?? throw new InvalidOperationException("The ledger has no connection string.");

    public int ConcurrentWrites => 2;

    public async Task<int> WriteAsync(IReadOnlyList<StagedItem> batch, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        try
        {
            await CopyAsync(connection, batch, ct);
            return batch.Count;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await InsertIgnoringDuplicatesAsync(connection, batch, ct);
                }
                catch (PostgresException again) when (again.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < Attempts)
                {
                }
            }
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<StagedItem> batch, CancellationToken ct)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync(Copy, ct);
        try
        {
            // Rows are encoded into a buffer that goes to the socket when full (a blocking send on this writer's thread).
            using var rows = new PgBinaryCopyRows(copy);
            rows.WriteHeader();
            foreach (var item in batch)
            {
                ct.ThrowIfCancellationRequested();
                rows.StartRow(18); // the fields of Columns, in its order
                rows.WriteUuid(item.RunId);
                rows.WriteText(item.UserKey);
                rows.WriteText(item.ItemKey);
                rows.WriteText(item.Kind.ToString());
                rows.WriteText(item.Status.ToString());
                rows.WriteText(item.Reason);
                rows.WriteText(item.SourceFile);
                rows.WriteInt64Field(item.RecordIndex);
                rows.WriteText(item.SessionId);
                rows.WriteText(item.Role);
                rows.WriteText(item.Name);
                rows.WriteText(item.Content);
                rows.WriteText(item.ContentHash);
                rows.WriteTimestamp(item.CreatedAt);
                rows.WriteTimestamp(item.UpdatedAt);
                rows.WriteInt32Field(item.Sequence);
                rows.WriteText(item.CategoriesJson);
                rows.WriteText(item.MetadataJson);
            }
            rows.Complete();
        }
        catch
        {
            // Without this, disposing the stream would end the COPY and commit the rows sent so far.
            await copy.CancelAsync();
            throw;
        }
    }

    private static async Task<int> InsertIgnoringDuplicatesAsync(NpgsqlConnection connection, IReadOnlyList<StagedItem> batch, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(InsertIgnoringDuplicates, connection);
        void Add<T>(string name, NpgsqlDbType type, Func<StagedItem, T> value) =>
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = batch.Select(value).ToArray() });
        Add("run_id", NpgsqlDbType.Uuid, i => i.RunId);
        Add("user_key", NpgsqlDbType.Varchar, i => i.UserKey);
        Add("item_key", NpgsqlDbType.Varchar, i => i.ItemKey);
        Add("kind", NpgsqlDbType.Varchar, i => i.Kind.ToString());
        Add("status", NpgsqlDbType.Varchar, i => i.Status.ToString());
        Add("reason", NpgsqlDbType.Text, i => i.Reason);
        Add("source_file", NpgsqlDbType.Text, i => i.SourceFile);
        Add("record_index", NpgsqlDbType.Bigint, i => i.RecordIndex);
        Add("session_id", NpgsqlDbType.Text, i => i.SessionId);
        Add("role", NpgsqlDbType.Text, i => i.Role);
        Add("name", NpgsqlDbType.Text, i => i.Name);
        Add("content", NpgsqlDbType.Text, i => i.Content);
        Add("content_hash", NpgsqlDbType.Varchar, i => i.ContentHash);
        Add("created_at", NpgsqlDbType.TimestampTz, i => i.CreatedAt?.ToUniversalTime());
        Add("updated_at", NpgsqlDbType.TimestampTz, i => i.UpdatedAt?.ToUniversalTime());
        Add("sequence", NpgsqlDbType.Integer, i => i.Sequence);
        Add("categories_json", NpgsqlDbType.Text, i => i.CategoriesJson);
        Add("metadata_json", NpgsqlDbType.Text, i => i.MetadataJson);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
