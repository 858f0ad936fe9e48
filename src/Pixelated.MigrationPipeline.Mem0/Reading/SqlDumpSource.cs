using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>
/// O3 SQL text dump (<c>sqlite3 history.db .dump</c>): statements are split outside quotes and only
/// BEGIN/COMMIT/CREATE TABLE/CREATE INDEX/INSERT INTO/PRAGMA foreign_keys/sqlite_sequence bookkeeping are executed,
/// into a private temporary SQLite file that is deleted afterwards; then it is read like history.db. Any other
/// statement (ATTACH, DROP, UPDATE, ...) is refused by statement number, never executed.
/// </summary>
internal static class SqlDumpSource
{
    private static readonly string[] Allowed =
        ["BEGIN", "COMMIT", "END", "CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX", "INSERT INTO", "PRAGMA FOREIGN_KEYS", "DELETE FROM SQLITE_SEQUENCE", "DELETE FROM \"SQLITE_SEQUENCE\""];

    public static async IAsyncEnumerable<ReadOutcome> ReadAsync(
        string path, string file, Mem0ReaderOptions options, TimeProvider clock, [EnumeratorCancellation] CancellationToken ct)
    {
        var db = Path.Combine(Path.GetTempPath(), $"mem0-sqldump-{Guid.NewGuid():N}.db");
        try
        {
            var problems = new List<ReadOutcome>();
            await LoadAsync(path, db, file, options, problems, ct).ConfigureAwait(false);
            foreach (var p in problems)
            {
                yield return p;
            }

            await foreach (var o in SqliteHistory.ReadAsync(db, file, options, clock, ct).ConfigureAwait(false))
            {
                yield return o;
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                File.Delete(db);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task LoadAsync(string path, string db, string file, Mem0ReaderOptions options, List<ReadOutcome> problems, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        await connection.OpenAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var statement = new StringBuilder();
        var quote = '\0';
        long index = 0;
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var ch = buffer[i];
                statement.Append(ch);
                if (quote != '\0')
                {
                    if (ch == quote)
                    {
                        quote = '\0';
                    }
                }
                else if (ch is '\'' or '"')
                {
                    quote = ch;
                }
                else if (ch == ';')
                {
                    await ExecuteAsync(connection, statement.ToString(), index++, file, problems, ct).ConfigureAwait(false);
                    statement.Clear();
                }

                if (statement.Length > options.MaxRecordBytes)
                {
                    problems.Add(new RecordFailed(new SourcePosition(file, index), null, "SQL statement larger than the record cap; the rest of the dump is not read"));
                    return;
                }
            }
        }

        if (statement.ToString().Trim().Length > 0)
        {
            problems.Add(new RecordFailed(new SourcePosition(file, index), null, "SQL dump ends inside a statement (truncated); the statement was not executed"));
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, long index, string file, List<ReadOutcome> problems, CancellationToken ct)
    {
        var text = sql.Trim();
        var upper = text.ToUpperInvariant();
        if (text == ";")
        {
            return;
        }

        if (!Allowed.Any(a => upper.StartsWith(a, StringComparison.Ordinal)))
        {
            problems.Add(new RecordFailed(new SourcePosition(file, index), null, "SQL statement of a kind a history dump does not contain; not executed"));
            return;
        }

        try
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = text;
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            problems.Add(new RecordFailed(new SourcePosition(file, index), null, $"SQL statement failed (SQLite error {e.SqliteErrorCode}); skipped"));
        }
    }
}
