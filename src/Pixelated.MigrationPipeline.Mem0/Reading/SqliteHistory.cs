using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// O3/O4 SQLite files, opened read-only and streamed with a data reader:
/// <list type="bullet">
/// <item><c>history</c> (Python) / <c>memory_history</c> (TS): each memory's rows settled by <see cref="OssMemoryHistory"/>
/// into the memory as its last event left it (live with its last text, or deleted; needs the fallback user id).
/// Position <c>file!history</c>, record index = row number.</item>
/// <item><c>messages</c> (rolling window of the last 10 raw messages per scope): each row → ConversationMessage.
/// The scope <c>agent_id=…&amp;run_id=…&amp;user_id=…</c> (TS: %-escaped) gives the user (else the fallback user), the
/// agent and the run; SessionId = run_id, or <c>mem0-messages-&lt;16 hex of sha256(scope)&gt;</c> when the scope has no run.
/// Sequence = order by created_at inside the scope; SourceId = the row id.</item>
/// <item><c>vectors</c> (TS vector_store.db): payload JSON through <see cref="QdrantPointMapper"/>.</item>
/// </list>
/// </summary>
internal static class SqliteHistory
{
    public static readonly HashSet<string> KnownTables = new(StringComparer.Ordinal) { "history", "memory_history", "messages", "vectors" };

    private static SqliteConnection Open(string path)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var connection = new SqliteConnection(cs);
        connection.Open();
        return connection;
    }

    public static List<string> ListTables(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    public static async IAsyncEnumerable<ReadOutcome> ReadAsync(
        string path, string file, Mem0ReaderOptions options, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = Open(path);
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var r = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                tables.Add(r.GetString(0));
            }
        }

        var columns = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var t in tables.Where(KnownTables.Contains))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT name FROM pragma_table_info('{t}')";
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var set = new HashSet<string>(StringComparer.Ordinal);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                set.Add(r.GetString(0));
            }

            columns[t] = set;
        }

        if (columns.Count == 0)
        {
            yield return new RecordFailed(new SourcePosition(file, -1), null, "SQLite database has no mem0 history, memory_history, messages or vectors table");
            yield break;
        }

        foreach (var table in new[] { "history", "memory_history" }.Where(columns.ContainsKey))
        {
            await foreach (var o in ReadHistoryAsync(connection, table, columns[table], $"{file}!{table}", options, ct).ConfigureAwait(false))
            {
                yield return o;
            }
        }

        if (columns.TryGetValue("messages", out var messageColumns))
        {
            await foreach (var o in ReadMessagesAsync(connection, messageColumns, $"{file}!messages", options, ct).ConfigureAwait(false))
            {
                yield return o;
            }
        }

        if (columns.TryGetValue("vectors", out var vectorColumns))
        {
            await foreach (var o in ReadVectorsAsync(connection, vectorColumns, $"{file}!vectors", options, clock, ct).ConfigureAwait(false))
            {
                yield return o;
            }
        }
    }

    private static string Col(HashSet<string> columns, params string[] names) =>
        names.FirstOrDefault(columns.Contains) is { } n ? $"\"{n}\"" : "NULL";

    /// <summary>
    /// The rows sorted by memory (then as written), so each memory's rows come together and the memory is settled
    /// (<see cref="OssMemoryHistory"/>) as soon as the next one starts: one memory's rows in memory at a time. A row's record
    /// index is still its number in the table's write (rowid) order.
    /// </summary>
    private static async IAsyncEnumerable<ReadOutcome> ReadHistoryAsync(
        SqliteConnection connection, string table, HashSet<string> c, string label, Mem0ReaderOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        var user = options.FallbackUserId;
        await using var cmd = connection.CreateCommand();
        // The 2024-2025 Python schema has both new_memory and new_value; either may hold the text.
        var newValue = c.Contains("new_memory") && c.Contains("new_value") ? "COALESCE(\"new_memory\", \"new_value\")" : Col(c, "new_memory", "new_value");
        cmd.CommandText =
            $"SELECT {Col(c, "id")}, {Col(c, "memory_id")}, {Col(c, "old_memory", "previous_value", "prev_value")}, {newValue}, " +
            $"{Col(c, "event", "action")}, {Col(c, "created_at", "timestamp")}, {Col(c, "updated_at")}, {Col(c, "is_deleted")}, " +
            "rowid, ROW_NUMBER() OVER (ORDER BY rowid) - 1 " +
            $"FROM \"{table}\" ORDER BY {Col(c, "memory_id")}, rowid";
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        OssMemoryHistory? memory = null;
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var position = new SourcePosition(label, r.GetInt64(9));
            var created = Time(r, 5, "created_at", out var createdProblem);
            var updated = Time(r, 6, "updated_at", out var updatedProblem);
            if ((createdProblem ?? updatedProblem) is { } problem)
            {
                yield return new RecordFailed(position, createdProblem is null ? "updated_at" : "created_at", problem, user, Text(r, 0));
                continue;
            }

            var deleted = !r.IsDBNull(7) && r.GetValue(7) is long l && l != 0;
            var row = new OssHistoryRow(Text(r, 0), Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), created, updated, deleted, r.GetInt64(8));
            if (OssHistoryMapper.Check(row, position, user) is { } failure)
            {
                yield return failure;
                continue;
            }

            if (memory is not null && memory.MemoryId != row.MemoryId)
            {
                if (memory.Settle(user) is { } settled)
                {
                    yield return settled;
                }

                memory = null;
            }

            memory ??= new OssMemoryHistory(row.MemoryId!);
            memory.Add(row, position);
        }

        if (memory?.Settle(user) is { } last)
        {
            yield return last;
        }
    }

    private static async IAsyncEnumerable<ReadOutcome> ReadMessagesAsync(
        SqliteConnection connection, HashSet<string> c, string label, Mem0ReaderOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText =
            $"SELECT {Col(c, "id")}, {Col(c, "session_scope")}, {Col(c, "role")}, {Col(c, "content")}, {Col(c, "name")}, {Col(c, "created_at")}, rowid " +
            "FROM messages ORDER BY session_scope, created_at, rowid";
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        long index = 0;
        string? currentScope = null;
        var sequence = 0;
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var position = new SourcePosition(label, index++);
            var id = Text(r, 0) ?? $"messages-row-{r.GetInt64(6)}";
            var scope = Text(r, 1) ?? "";
            if (scope != currentScope)
            {
                currentScope = scope;
                sequence = 0;
            }

            var parts = ParseScope(scope);
            var user = parts.GetValueOrDefault("user_id") ?? options.FallbackUserId;
            var role = Text(r, 2);
            var content = Text(r, 3);
            var created = Time(r, 5, "created_at", out var timeProblem);
            ReadOutcome outcome =
                user is null ? new RecordFailed(position, "user_id", "message scope has no user_id; pass a fallback user id (Mem0ReaderOptions.FallbackUserId)", null, id)
                : string.IsNullOrWhiteSpace(role) ? new RecordFailed(position, "role", "required field is missing or empty", user, id)
                : string.IsNullOrEmpty(content) ? new RecordFailed(position, "content", "required field is missing or empty", user, id)
                : timeProblem is not null ? new RecordFailed(position, "created_at", timeProblem, user, id)
                : created is null ? new RecordFailed(position, "created_at", "required timestamp is missing or null", user, id)
                : new ItemRead(new SourceItem
                {
                    UserId = user,
                    Kind = SourceItemKind.ConversationMessage,
                    SourceId = id,
                    Content = content,
                    CreatedAt = created.Value,
                    Role = role,
                    Name = Text(r, 4),
                    SessionId = parts.GetValueOrDefault("run_id") ?? ScopeThread(scope),
                    AgentId = parts.GetValueOrDefault("agent_id"),
                    Sequence = sequence,
                    Position = position,
                });
            sequence++;
            yield return outcome;
        }
    }

    private static async IAsyncEnumerable<ReadOutcome> ReadVectorsAsync(
        SqliteConnection connection, HashSet<string> c, string label, Mem0ReaderOptions options, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        var mapper = new QdrantPointMapper(new MemoryRecordMapper(clock, new MemoryMapping
        {
            ContentKeys = ["data"],
            DefaultUserId = options.FallbackUserId,
            ExpirationInMetadata = true,
        }));
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {Col(c, "id")}, {Col(c, "payload")} FROM vectors ORDER BY rowid";
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        long index = 0;
        var outcomes = new List<ReadOutcome>(2);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var position = new SourcePosition(label, index++);
            var id = Text(r, 0);
            outcomes.Clear();
            JsonDocument? payload = null;
            try
            {
                payload = JsonDocument.Parse(Text(r, 1) ?? "null");
            }
            catch (JsonException)
            {
            }

            if (payload is null || payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                payload?.Dispose();
                outcomes.Add(new RecordFailed(position, "payload", "payload is not a JSON object", SourceId: id));
            }
            else
            {
                using (payload)
                using (var idDoc = JsonDocument.Parse(JsonSerializer.Serialize(id)))
                {
                    mapper.Map(idDoc.RootElement, payload.RootElement, position, outcomes);
                }
            }

            foreach (var o in outcomes)
            {
                yield return o;
            }
        }
    }

    private static string? Text(SqliteDataReader r, int i)
    {
        if (r.IsDBNull(i))
        {
            return null;
        }

        var value = r.GetValue(i);
        return value switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString(CultureInfo.InvariantCulture),
            byte[] b => Encoding.UTF8.GetString(b),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    private static DateTimeOffset? Time(SqliteDataReader r, int i, string field, out string? problem)
    {
        problem = null;
        if (r.IsDBNull(i))
        {
            return null;
        }

        var value = r.GetValue(i);
        if (value is long or double)
        {
            var seconds = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (seconds >= 0 && Mem0Timestamp.TryParseEpochSeconds(seconds, out var epoch))
            {
                return epoch;
            }
        }
        else if (value is string s && Mem0Timestamp.TryParse(s, out var parsed))
        {
            return parsed;
        }

        problem = $"{field} is not a recognised timestamp";
        return null;
    }

    /// <summary>Parses <c>k=v&amp;k=v</c>; values are %-unescaped (TS writes them escaped).</summary>
    public static Dictionary<string, string> ParseScope(string scope)
    {
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in scope.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                parts[pair[..eq]] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return parts;
    }

    private static string ScopeThread(string scope) =>
        "mem0-messages-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope)))[..16];
}
