using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Sequential writes: a user whose units fit one write-ahead group has all of them (user, threads, message batches,
/// episodes) marked <c>Sent</c> in one save before its first call, so it costs one durable commit instead of two. A unit so
/// marked whose call never came is released when the attempt ends on a call that provably did not reach Zep, read back
/// otherwise, and released with its thread's failure when the thread id belongs to another user.
/// </summary>
public sealed class When_a_users_units_are_marked_sent_ahead : IDisposable
{
    private const string User = "patient-ahead";
    private const int Messages = 4, Memories = 3; // two sessions: 1 user + 2 threads + 2 message batches + 3 episodes = 8 units
    private readonly SqliteFolder _folder = new("ahead");
    private readonly SentMarkRecorder _marks = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task One_save_marks_every_unit_before_the_first_call()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        _marks.Zep = zep;
        using var host = await StartAsync(zep);
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);

        Assert.True(await host.Services.MigrateUserAsync(runId, User));

        Assert.Equal([new SentMark(8, RequestsBefore: 0)], _marks.Marks);
        await AssertInZepOnceAsync(host, zep);
    }

    [Fact]
    public async Task A_refused_first_call_releases_the_units_marked_ahead_and_the_next_attempt_reads_nothing_back()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { Faults = { TooManyRequestsRate = 1, TooManyRequestsRetryAfterSeconds = 1 } });
        using var host = await StartAsync(zep);
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);

        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.MigrateUserAsync(runId, User));

        // Every call was refused with 429 before it was applied: nothing is left Sent, so nothing needs reading back.
        var units = await UnitsAsync(host);
        Assert.Equal(8, units.Count);
        Assert.All(units, u => Assert.Equal(WriteState.Pending, u.State));
        Assert.All(units, u => Assert.Contains("429", u.LastError));
        Assert.Equal(0, zep.Store.GetStats().Users);

        zep.SetFaults(new EmulatorFaultOptions());
        var before = zep.Store.GetStats().RequestsByRoute;
        Assert.True(await host.Services.MigrateUserAsync(runId, User));
        Assert.Empty(ReadBacks(zep, before));
        await AssertInZepOnceAsync(host, zep);
    }

    [Fact]
    public async Task A_refused_call_partway_releases_only_what_was_never_written()
    {
        // A 429 on the episodes' graph-batch call, once the user, its threads and its messages are written.
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await StartAsync(zep, request => request.RequestUri!.AbsolutePath.EndsWith("/graph-batch", StringComparison.Ordinal));
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);

        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.MigrateUserAsync(runId, User));

        var units = await UnitsAsync(host);
        Assert.Equal(8, units.Count);
        Assert.All(units.Where(u => u.Kind != WriteUnitKind.Episode), u => Assert.Equal(WriteState.Confirmed, u.State)); // saved with the release
        Assert.All(units.Where(u => u.Kind == WriteUnitKind.Episode), u => Assert.Equal((WriteState.Pending, true), (u.State, u.LastError!.Contains("429"))));

        zep.SetFaults(new EmulatorFaultOptions());
        var before = zep.Store.GetStats().RequestsByRoute;
        Assert.True(await host.Services.MigrateUserAsync(runId, User));
        Assert.Empty(ReadBacks(zep, before));
        Assert.Equal(1, Served(zep, before, "POST /api/v2/graph-batch")); // only the episodes were left to write
        Assert.Equal(0, Served(zep, before, "POST /api/v2/threads/{threadId}/messages"));
        await AssertInZepOnceAsync(host, zep);
    }

    [Fact]
    public async Task Episodes_sent_one_by_one_after_the_batch_route_is_missing_are_released_when_one_is_refused()
    {
        // No graph-batch route here (Zep answers 404, nothing stored): the writer sends the episodes one graph.add each, and
        // the first of those is refused with 429. None of the three reached Zep, so none is left Sent.
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { Batch = { GraphBatchEnabled = false } });
        using var host = await StartAsync(zep, request => request.RequestUri!.AbsolutePath.EndsWith("/graph", StringComparison.Ordinal));
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);

        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.MigrateUserAsync(runId, User));

        var episodes = (await UnitsAsync(host)).Where(u => u.Kind == WriteUnitKind.Episode).ToList();
        Assert.Equal(Memories, episodes.Count);
        Assert.All(episodes, u => Assert.Equal(WriteState.Pending, u.State));
        Assert.Equal(0, zep.Store.GetStats().Episodes);
    }

    [Fact]
    public async Task Units_an_earlier_attempt_left_sent_are_read_back_and_not_sent_again()
    {
        // Attempt 1 wrote everything, but (as when a worker dies before its outcome commits) the ledger still has the
        // messages and episodes Sent: attempt 2 must find them in Zep, not mark them ahead and send them again.
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await StartAsync(zep);
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);
        Assert.True(await host.Services.MigrateUserAsync(runId, User));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            await db.WriteUnits.Where(u => u.UserKey == User && (u.Kind == WriteUnitKind.Messages || u.Kind == WriteUnitKind.Episode))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.State, WriteState.Sent));
        }
        await QueueAgainAsync(host, runId);

        var before = zep.Store.GetStats().RequestsByRoute;
        Assert.True(await host.Services.MigrateUserAsync(runId, User));

        Assert.NotEmpty(ReadBacks(zep, before));
        Assert.Equal(0, Served(zep, before, "POST /api/v2/graph-batch"));
        Assert.Equal(0, Served(zep, before, "POST /api/v2/threads/{threadId}/messages"));
        await AssertInZepOnceAsync(host, zep);
    }

    [Fact]
    public async Task Units_marked_ahead_after_an_unknown_outcome_are_read_back_then_written_once()
    {
        // The user's creation is applied and answered 500 (outcome unknown): the attempt ends with every unit Sent.
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { Faults = { ErrorAfterWriteRate = 1 } });
        using var host = await StartAsync(zep);
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);

        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.MigrateUserAsync(runId, User));
        var units = await UnitsAsync(host);
        Assert.Equal(8, units.Count);
        Assert.All(units, u => Assert.Equal(WriteState.Sent, u.State));

        zep.SetFaults(new EmulatorFaultOptions());
        Assert.True(await host.Services.MigrateUserAsync(runId, User));
        await AssertInZepOnceAsync(host, zep);
    }

    [Fact]
    public async Task A_batch_resent_in_part_stays_sent_when_its_call_is_refused()
    {
        // Zep lost one message of a two-message batch; validation reopens the batch. The next attempt reads the thread back
        // and sends only the missing message, and Zep refuses that call with 429. The batch must stay Sent: released, the
        // attempt after would send both messages again and duplicate the one Zep still holds.
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        var armed = false;
        using var host = await StartAsync(zep, request => armed && request.RequestUri!.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal));
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);
        Assert.True(await host.Services.MigrateUserAsync(runId, User));
        var thread = UserPlanner.ThreadIdFor(User, "s-0");
        Assert.True(zep.Store.RemoveMessage(zep.Store.GetMessages(thread)[0].Uuid));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var status = await scope.ServiceProvider.GetRequiredService<UserValidationService>().ValidateAsync(runId, User, CancellationToken.None);
            Assert.Equal(UserStatus.Mismatched, status);
        }
        await QueueAgainAsync(host, runId); // as the next run of the same export would
        var reopened = Assert.Single(await UnitsAsync(host), u => u.State == WriteState.Sent && u.Kind == WriteUnitKind.Messages); // and its thread

        armed = true;
        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.MigrateUserAsync(runId, User));
        Assert.Equal(WriteState.Sent, (await UnitsAsync(host)).Single(u => u.IdempotencyKey == reopened.IdempotencyKey).State);

        zep.SetFaults(new EmulatorFaultOptions());
        Assert.True(await host.Services.MigrateUserAsync(runId, User));
        var contents = zep.Store.GetMessages(thread).Select(m => m.Content).ToList();
        Assert.Equal(2, contents.Count);
        Assert.Equal(2, contents.Distinct().Count());
        await AssertInZepOnceAsync(host, zep);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // an earlier attempt ended (500 on the user's creation) with the batch Sent, then the id was taken
    public async Task A_thread_id_of_another_user_fails_its_items_and_releases_its_message_batch(bool leftSentBefore)
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await StartAsync(zep);
        var runId = await OneUserStaging.StageAsync(host.Services, User, Messages, Memories);
        if (leftSentBefore)
        {
            zep.Faults.ErrorAfterWriteRate = 1;
            await Assert.ThrowsAnyAsync<Exception>(() => host.Services.MigrateUserAsync(runId, User));
            zep.SetFaults(new EmulatorFaultOptions());
            Assert.All(await UnitsAsync(host), u => Assert.Equal(WriteState.Sent, u.State));
        }
        var taken = UserPlanner.ThreadIdFor(User, "s-1");
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", zep.Options.ApiKey);
            (await http.PostAsJsonAsync(new Uri(zep.ApiBaseUrl, "users"), new { user_id = "someone-else" })).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync(new Uri(zep.ApiBaseUrl, "threads"), new { thread_id = taken, user_id = "someone-else" })).EnsureSuccessStatusCode();
        }

        Assert.True(await host.Services.MigrateUserAsync(runId, User));

        var units = await UnitsAsync(host);
        var thread = Assert.Single(units, u => u.Kind == WriteUnitKind.Thread && u.State == WriteState.Failed);
        Assert.Equal("Zep thread id already exists under another user", thread.LastError);
        var released = Assert.Single(units, u => u.Kind == WriteUnitKind.Messages && u.State != WriteState.Confirmed);
        Assert.Equal((WriteState.Pending, thread.LastError), (released.State, released.LastError));
        Assert.Equal(6, units.Count(u => u.State == WriteState.Confirmed)); // the user, the other thread, its batch, 3 episodes
        Assert.Empty(zep.Store.GetMessages(taken));

        await using var scope = host.Services.CreateAsyncScope();
        var failed = await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().StagedItems
            .Where(i => i.RunId == runId && i.Status == ItemStatus.Failed).Select(i => i.ItemKey).ToListAsync();
        Assert.Equal(["message:h-1", "message:h-3"], failed.Order()); // session s-1's messages
    }

    /// <summary>A host whose Zep calls retry a 429 once (not eight times); given <paramref name="refuseFrom"/>, the emulator answers 429 from the first such request on.</summary>
    private Task<IHost> StartAsync(ZepEmulatorHost zep, Func<HttpRequestMessage, bool>? refuseFrom = null) =>
        ServiceHost.SqliteMigrationAsync(_folder.File($"ledger-{Guid.NewGuid():N}.db"), zep, "sequential", services =>
            {
                services.ConfigureDbContext<SqliteLedgerDbContext>(o => o.AddInterceptors(_marks));
                if (refuseFrom is not null) services.AddHttpClient<ZepClient>().AddHttpMessageHandler(() => new RefuseFrom(zep, refuseFrom));
            },
            new Dictionary<string, string?> { ["Zep:MaxRetries"] = "1" });

    /// <summary>The read-backs Zep served since <paramref name="before"/>: thread messages and the user's episodes.</summary>
    private static List<string> ReadBacks(ZepEmulatorHost zep, IReadOnlyDictionary<string, long> before) =>
        zep.Store.GetStats().RequestsByRoute.Where(kv => kv.Value > before.GetValueOrDefault(kv.Key)).Select(kv => kv.Key)
            .Where(route => route.StartsWith("GET", StringComparison.Ordinal) || route.Contains("graph/episodes", StringComparison.Ordinal)).ToList();

    private static long Served(ZepEmulatorHost zep, IReadOnlyDictionary<string, long> before, string route) =>
        zep.Store.GetStats().RequestsByRoute.GetValueOrDefault(route) - before.GetValueOrDefault(route);

    /// <summary>Puts the user and its items back where a new attempt starts from: user queued, items staged.</summary>
    private static async Task QueueAgainAsync(IHost host, Guid runId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        await db.RunUsers.Where(u => u.RunId == runId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Queued));
        await db.StagedItems.Where(i => i.RunId == runId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ItemStatus.Staged));
    }

    private static async Task<List<ZepWriteUnit>> UnitsAsync(IHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().WriteUnits.AsNoTracking().Where(u => u.UserKey == User).ToListAsync();
    }

    private static async Task AssertInZepOnceAsync(IHost host, ZepEmulatorHost zep)
    {
        var stats = zep.Store.GetStats();
        Assert.Equal((1, 2, Messages, Memories), (stats.Users, stats.Threads, stats.Messages, stats.Episodes));
        Assert.Equal(Memories, zep.Store.GetEpisodes(User).Select(e => e.Content).Distinct().Count());
        Assert.All(await UnitsAsync(host), u => Assert.Equal(WriteState.Confirmed, u.State));
    }

    private sealed record SentMark(int Units, long RequestsBefore);

    /// <summary>
    /// Switches the emulator's 429s on as the first matching request goes out, once (the emulator then refuses it and every
    /// write after it, until the test switches them off).
    /// </summary>
    private sealed class RefuseFrom(ZepEmulatorHost zep, Func<HttpRequestMessage, bool> matches) : DelegatingHandler
    {
        private int _switched;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && matches(request) && Interlocked.Exchange(ref _switched, 1) == 0) zep.Faults.TooManyRequestsRate = 1;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Records each save that marks write units <c>Sent</c>: how many, and how many requests Zep had served by then.</summary>
    private sealed class SentMarkRecorder : SaveChangesInterceptor
    {
        private readonly Lock _lock = new();
        private readonly List<SentMark> _marks = [];
        public ZepEmulatorHost? Zep { get; set; }

        public IReadOnlyList<SentMark> Marks
        {
            get { lock (_lock) return _marks.ToList(); }
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            var sent = eventData.Context!.ChangeTracker.Entries<ZepWriteUnit>()
                .Count(e => e.State is EntityState.Added or EntityState.Modified && e.Entity.State == WriteState.Sent);
            if (sent > 0 && Zep is { } zep)
                lock (_lock) _marks.Add(new SentMark(sent, zep.Store.GetStats().RequestsByRoute.Values.Sum()));
            return ValueTask.FromResult(result);
        }
    }
}
