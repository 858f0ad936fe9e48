using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// Binary COPY into <c>staged_items</c> on the ledger's own connection (DESIGN.md §2: ~10x batched inserts). Duplicates
/// across batches are caught by the table's unique index, not by memory: such a batch is re-sent as
/// <c>INSERT … ON CONFLICT DO NOTHING</c>, so a multi-GB export is de-duplicated exactly in constant memory.
/// </summary>
public sealed class PostgresCopyStagedItemSink(LedgerDbContext db) : IStagedItemSink
{
    private const string Columns =
        "run_id, user_key, item_key, kind, status, reason, source_file, record_index, session_id, role, name, " +
        "content, content_hash, created_at, sequence, categories_json, metadata_json";

    private const string Copy = $"COPY staged_items ({Columns}) FROM STDIN (FORMAT BINARY)";

    private const string InsertIgnoringDuplicates =
        $"INSERT INTO staged_items ({Columns}) " +
        "SELECT * FROM unnest(@run_id, @user_key, @item_key, @kind, @status, @reason, @source_file, @record_index, @session_id, " +
        "@role, @name, @content, @content_hash, @created_at, @sequence, @categories_json, @metadata_json) " +
        "ON CONFLICT (run_id, item_key) DO NOTHING";

    public async Task<int> WriteAsync(IReadOnlyList<StagedItem> batch, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        try
        {
            await CopyAsync(connection, batch, ct);
            return batch.Count;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return await InsertIgnoringDuplicatesAsync(connection, batch, ct);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<StagedItem> batch, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, ct);
        foreach (var item in batch)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(item.RunId, NpgsqlDbType.Uuid, ct);
            await importer.WriteAsync(item.UserKey, NpgsqlDbType.Varchar, ct);
            await importer.WriteAsync(item.ItemKey, NpgsqlDbType.Varchar, ct);
            await importer.WriteAsync(item.Kind.ToString(), NpgsqlDbType.Varchar, ct);
            await importer.WriteAsync(item.Status.ToString(), NpgsqlDbType.Varchar, ct);
            await WriteTextAsync(importer, item.Reason, ct);
            await importer.WriteAsync(item.SourceFile, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(item.RecordIndex, NpgsqlDbType.Bigint, ct);
            await WriteTextAsync(importer, item.SessionId, ct);
            await WriteTextAsync(importer, item.Role, ct);
            await WriteTextAsync(importer, item.Name, ct);
            await WriteTextAsync(importer, item.Content, ct);
            await importer.WriteAsync(item.ContentHash, NpgsqlDbType.Varchar, ct);
            if (item.CreatedAt is { } at) await importer.WriteAsync(at.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            else await importer.WriteNullAsync(ct);
            await importer.WriteAsync(item.Sequence, NpgsqlDbType.Integer, ct);
            await WriteTextAsync(importer, item.CategoriesJson, ct);
            await WriteTextAsync(importer, item.MetadataJson, ct);
        }
        await importer.CompleteAsync(ct);
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
        Add("sequence", NpgsqlDbType.Integer, i => i.Sequence);
        Add("categories_json", NpgsqlDbType.Text, i => i.CategoriesJson);
        Add("metadata_json", NpgsqlDbType.Text, i => i.MetadataJson);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);
}
