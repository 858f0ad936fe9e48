using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// On the SQLite ledger (embedded mode) a commit waits for the disk unless it is an outcome the pipeline can compute again
/// (<see cref="RelaxedCommits"/>): a write unit's <c>Sent</c> mark, made before its HTTP call, must survive a power failure;
/// a user's migration and validation outcomes and a dispatcher's claims need not. Each commit's
/// <c>PRAGMA synchronous</c> is read at the moment it commits: 2 (FULL) waits for the disk, 1 (NORMAL) does not.
/// </summary>
public sealed class When_outcomes_commit_without_waiting_for_the_disk : IDisposable
{
    private const string User = "patient-durability";
    private const long Full = 2, Normal = 1;
    private readonly SqliteFolder _folder = new("durability");
    private readonly CommitRecorder _commits = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Sent_marks_wait_for_the_disk_and_outcomes_do_not()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await ServiceHost.SqliteMigrationAsync(_folder.File("ledger.db"), zep, "sequential", services => services
            .AddScoped<RunDispatcher>()
            .ConfigureDbContext<SqliteLedgerDbContext>(o => o.AddInterceptors(_commits)));
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 4, memories: 3);
        await AddWaitingUserAsync(host.Services, runId);
        _commits.Clear();

        Assert.True(await host.Services.MigrateUserAsync(runId, User));
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.Equal(UserStatus.Verified, await scope.ServiceProvider.GetRequiredService<UserValidationService>().ValidateAsync(runId, User, CancellationToken.None));
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RunDispatcher>().DispatchAsync(runId, _ => Task.CompletedTask, CancellationToken.None));

        var commits = _commits.Commits;
        var writeAhead = commits.Where(c => c.MarksSent).ToList();
        Assert.NotEmpty(writeAhead); // user and thread, then messages and episodes
        Assert.All(writeAhead, c => Assert.Equal(Full, c.Synchronous));
        Assert.Equal(Normal, Assert.Single(commits, c => c.Writes("UPDATE \"staged_items\"") && !c.Writes("\"validation_findings\"")).Synchronous); // items migrated, units confirmed
        Assert.Equal(Normal, Assert.Single(commits, c => c.Writes("\"validation_findings\"")).Synchronous); // with the verified user's content purged
        Assert.Equal(Normal, Assert.Single(commits, c => c.Writes("UPDATE \"run_users\"") && !c.Writes("\"staged_items\"") && !c.Writes("\"validation_findings\"")
                                                     && !c.MarksSent).Synchronous); // the dispatcher's claim

        // Whatever runs after the relaxed scopes commits durably (each scope sets FULL again on its way out, and every open
        // sets it too).
        await using var after = host.Services.CreateAsyncScope();
        var db = after.ServiceProvider.GetRequiredService<LedgerDbContext>();
        await db.Database.OpenConnectionAsync();
        Assert.Equal(Full, await CommitRecorder.SynchronousAsync(db.Database.GetDbConnection(), null));
    }

    private static async Task AddWaitingUserAsync(IServiceProvider services, Guid runId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        db.RunUsers.Add(new RunUser { RunId = runId, UserKey = "patient-waiting", Status = UserStatus.Staged, UpdatedAt = DateTimeOffset.UtcNow });
        (await db.Runs.SingleAsync(r => r.Id == runId)).MaxUsersInFlight = 4;
        await db.SaveChangesAsync();
    }

    /// <summary>Records, for each commit, the statements of its transaction and the connection's <c>synchronous</c> as it commits.</summary>
    private sealed class CommitRecorder : IDbCommandInterceptor, IDbTransactionInterceptor
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<DbTransaction, List<string>> _open = new(ReferenceEqualityComparer.Instance);
        private readonly List<Commit> _commits = [];

        public IReadOnlyList<Commit> Commits
        {
            get { lock (_lock) return _commits.ToList(); }
        }

        public void Clear()
        {
            lock (_lock) _commits.Clear();
        }

        public static async Task<long> SynchronousAsync(DbConnection connection, DbTransaction? transaction)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA synchronous;";
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await RecordAsync(command);
            return result;
        }

        public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            await RecordAsync(command);
            return result;
        }

        public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            var synchronous = await SynchronousAsync(transaction.Connection!, transaction);
            lock (_lock)
            {
                _commits.Add(new Commit(synchronous, _open.Remove(transaction, out var statements) ? statements : []));
            }
            return result;
        }

        private async Task RecordAsync(DbCommand command)
        {
            // A unit marked Sent: its state goes in as a parameter (SaveChanges) or a literal (a set-based update).
            var statement = command.CommandText.Contains("zep_write_units")
                            && (command.Parameters.Cast<DbParameter>().Any(p => Equals(p.Value, nameof(WriteState.Sent))) || command.CommandText.Contains("'Sent'"))
                ? "SENT " + command.CommandText : command.CommandText;
            if (command.Transaction is { } transaction)
            {
                lock (_lock)
                {
                    if (!_open.TryGetValue(transaction, out var statements)) _open[transaction] = statements = [];
                    statements.Add(statement);
                }
                return;
            }
            // A write outside a transaction (a SaveChanges of one row) commits on its own, as it runs.
            var text = command.CommandText.TrimStart();
            if (!text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
                && !text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)) return;
            var synchronous = await SynchronousAsync(command.Connection!, null);
            lock (_lock) _commits.Add(new Commit(synchronous, [statement]));
        }
    }

    private sealed record Commit(long Synchronous, IReadOnlyList<string> Statements)
    {
        public bool MarksSent => Statements.Any(s => s.StartsWith("SENT ", StringComparison.Ordinal));
        public bool Writes(string text) => Statements.Any(s => s.Contains(text, StringComparison.Ordinal));
    }
}
