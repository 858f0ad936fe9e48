using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// What a delta sync costs (issue 22): an export of one mem0 source migrated (embedded mode: in-memory bus, SQLite ledger,
/// in-process emulator at 0 ms), then a newer export of the same source (the same file name stem, a later date) in which
/// <c>--changed-percent</c> of the memories have a new text and a later <c>updated_at</c> and <c>--new-messages</c> messages are
/// appended to existing sessions, migrated on the same ledger; then that newer export once more. For each run: wall time,
/// Zep requests (all, writes, reads, by route), the items the export changed and the requests per changed item, what the
/// ledger classified as new / changed / unchanged / deleted, the run's status and validation, and whether Zep now holds
/// each change (looked up in the emulator by the marker the change carries, never taken from the run's own report).
/// <c>sync [--users N] [--changed-percent P] [--new-messages K] [--memories-per-user M] [--messages-per-user K] [--mode sequential|batch]</c>
/// </summary>
public static class SyncBenchmark
{
    /// <summary>One run of the chain, as printed (JSON) and tabled.</summary>
    public sealed record RunFigures(
        string Run,
        string Export,
        double Seconds,
        string Status,
        string? StatusReason,
        int Users,
        int UsersVerified,
        int UsersMismatched,
        int UsersFailed,
        int ItemsStaged,
        int ItemsFailed,
        int Findings,
        IReadOnlyDictionary<string, int> FindingsByKind,
        int ChangedItems,
        long ZepRequests,
        long ZepWrites,
        long ZepReads,
        long ZepTooManyRequests,
        long ReportZepRequests,
        double? RequestsPerChangedItem,
        double RequestsPerUser,
        IReadOnlyDictionary<string, long> ZepRequestsByRoute,
        IReadOnlyDictionary<string, int> LedgerChanges,
        IReadOnlyDictionary<string, int> LedgerUnitsTouched,
        int ZepEpisodesAdded,
        int ZepMessagesAdded,
        string ChangesInZep,
        bool AsExpected,
        string Verdict);

    public static async Task<int> RunAsync(BenchArguments options)
    {
        var users = options.Int("users", 1000);
        var changedPercent = double.Parse(options.String("changed-percent") ?? "1", CultureInfo.InvariantCulture);
        var newMessages = options.Int("new-messages", 0);
        var memoriesPerUser = options.Int("memories-per-user", 15);
        var messagesPerUser = options.Int("messages-per-user", 20);
        var mode = options.String("mode") ?? "sequential";
        if (changedPercent is < 0 or > 100) throw new ArgumentException("--changed-percent must be between 0 and 100");
        if (newMessages < 0) throw new ArgumentException("--new-messages must be 0 or more");

        var folder = Directory.CreateTempSubdirectory("pixelated-bench-sync-").FullName;
        try
        {
            var first = await SyncExportWriter.WriteFirstAsync(folder, users, memoriesPerUser, messagesPerUser);
            var newer = await SyncExportWriter.WriteNewerAsync(folder, first, changedPercent, newMessages, seed: 22);
            Console.Error.WriteLine($"[sync] {users} users: {first.Memories} memories, {first.Messages} messages in {Names(first)}; " +
                                    $"newer export {Names(newer.Export)}: {newer.ChangedMemories.Count} memories changed ({changedPercent.ToString(CultureInfo.InvariantCulture)} %), " +
                                    $"{newer.NewMessages.Count} messages appended");

            await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
            var ledger = Directory.CreateDirectory(Path.Combine(folder, "ledger")).FullName;
            var none = new SyncExportWriter.Newer(first, [], []);
            var runs = new List<RunFigures>
            {
                await RunOnceAsync("1 first export", first, new Due(first.Memories + first.Messages, first.Memories, first.Messages, none), ledger, zep, mode, users),
                await RunOnceAsync("2 newer export (sync)", newer.Export, new Due(newer.ChangedItems, newer.ChangedMemories.Count, newer.NewMessages.Count, newer), ledger, zep, mode, users),
                await RunOnceAsync("3 newer export again", newer.Export, new Due(0, 0, 0, newer), ledger, zep, mode, users),
            };

            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "sync",
                users,
                memoriesPerUser,
                messagesPerUser,
                mode,
                changedPercent,
                memories = first.Memories,
                messages = first.Messages,
                changedMemories = newer.ChangedMemories.Count,
                newMessages = newer.NewMessages.Count,
                files = new { first = Names(first), newer = Names(newer.Export) },
                runs,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            PrintTable(runs);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// What a run should do: the items its export changed since the run before, the episodes and messages Zep should gain
    /// (a changed memory is a new episode, an appended message one message), and the changes Zep should then hold once.
    /// </summary>
    private sealed record Due(int ChangedItems, int Episodes, int Messages, SyncExportWriter.Newer Changes);

    private static async Task<RunFigures> RunOnceAsync(string name, SyncExportWriter.Export export, Due due,
        string ledgerFolder, ZepEmulatorHost zep, string mode, int users)
    {
        var changedItems = due.ChangedItems;
        Console.Error.WriteLine($"[sync] run {name} ...");
        var before = zep.Store.GetStats();
        EmbeddedPipeline.Result result;
        ZepRequestWatch.Figures requests;
        using (var watch = new ZepRequestWatch(zep))
        {
            result = await EmbeddedPipeline.RunAsync(export.Files.ToArray(), ledgerFolder, zep, mode, clientRpm: 0, concurrency: 32);
            requests = watch.Stop();
        }
        var after = zep.Store.GetStats();
        var report = result.Report;
        var (ledgerChanges, unitsTouched) = await LedgerFiguresAsync(ledgerFolder, report.RunId);

        var reads = requests.ByRoute.Where(r => IsRead(r.Key)).Sum(r => r.Value);
        var writes = requests.ByRoute.Sum(r => r.Value) - reads;
        var findingsByKind = report.Findings.GroupBy(f => f.Kind).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var inZep = ChangesInZep(zep, due.Changes);
        var episodesAdded = after.Episodes - before.Episodes;
        var messagesAdded = after.Messages - before.Messages;
        var validated = report.Status == RunStatus.Completed && report.AllUsersVerified && report.Findings.Count == 0;
        // A sync is right when its run validates, Zep gains exactly what changed and holds every change once; a run with
        // nothing changed writes nothing.
        var gainedDue = episodesAdded == due.Episodes && messagesAdded == due.Messages;
        var writesDue = changedItems > 0 || writes == 0;
        var asExpected = validated && inZep.Complete && gainedDue && writesDue;
        var verdict = asExpected ? "ok"
            : string.Join("; ", new[]
            {
                validated ? null : $"run {StatusName(report.Status)}, {report.Users.Mismatched} users mismatched, {report.Findings.Count} findings",
                inZep.Complete ? null : $"Zep lacks or repeats changes ({inZep.Text})",
                gainedDue ? null : $"Zep gained {episodesAdded} episodes and {messagesAdded} messages where {due.Episodes} and {due.Messages} were due",
                writesDue ? null : $"{writes} write requests where none were due",
            }.Where(s => s is not null));

        return new RunFigures(
            name,
            Path.GetFileName(export.Files[0]),
            Math.Round(result.Seconds, 2),
            StatusName(report.Status),
            report.StatusReason,
            report.Users.Total,
            report.Users.Verified,
            report.Users.Mismatched,
            report.Users.Failed,
            report.Items.Total,
            report.Items.Failed,
            report.Findings.Count,
            findingsByKind,
            changedItems,
            requests.Served,
            writes,
            reads,
            requests.TooManyRequests,
            report.ZepRequests,
            changedItems > 0 ? Math.Round((double)requests.Served / changedItems, 2) : null,
            Math.Round((double)requests.Served / users, 2),
            requests.ByRoute,
            ledgerChanges,
            unitsTouched,
            episodesAdded,
            messagesAdded,
            inZep.Text,
            asExpected,
            verdict);
    }

    /// <summary>Reads: GETs and the read-only episode page (a POST); everything else the client sends writes or deletes.</summary>
    private static bool IsRead(string route) =>
        route.StartsWith("GET ", StringComparison.Ordinal) || route.EndsWith("/graph/episodes/user/{userId}", StringComparison.Ordinal);

    private static string StatusName(RunStatus status) => StatusNames.ToWire(status);

    /// <summary>
    /// Whether Zep holds each change of <paramref name="changes"/> exactly once: the changed memory's new text in one of its
    /// user's episodes, the appended message in one of its user's threads (markers are unique, so a second hit is a repeat).
    /// </summary>
    private static (bool Complete, string Text) ChangesInZep(ZepEmulatorHost zep, SyncExportWriter.Newer changes)
    {
        if (changes.ChangedItems == 0) return (true, "-");
        int memoriesOnce = 0, memoriesRepeated = 0, messagesOnce = 0, messagesRepeated = 0;
        foreach (var memory in changes.ChangedMemories)
        {
            var hits = zep.Store.GetEpisodes(memory.User).Count(e => e.Content.Contains(memory.Marker, StringComparison.Ordinal));
            if (hits == 1) memoriesOnce++;
            else if (hits > 1) memoriesRepeated++;
        }
        foreach (var message in changes.NewMessages)
        {
            var hits = (zep.Store.GetThreadsOfUser(message.User) ?? [])
                .Sum(t => zep.Store.GetMessages(t.ThreadId).Count(m => m.Content.Contains(message.Marker, StringComparison.Ordinal)));
            if (hits == 1) messagesOnce++;
            else if (hits > 1) messagesRepeated++;
        }
        var complete = memoriesOnce == changes.ChangedMemories.Count && messagesOnce == changes.NewMessages.Count;
        var text = $"memories {memoriesOnce}/{changes.ChangedMemories.Count}" + (memoriesRepeated > 0 ? $" (+{memoriesRepeated} repeated)" : "");
        if (changes.NewMessages.Count > 0)
            text += $", messages {messagesOnce}/{changes.NewMessages.Count}" + (messagesRepeated > 0 ? $" (+{messagesRepeated} repeated)" : "");
        return (complete, text);
    }

    /// <summary>
    /// The ledger's view of the run: its items by change (new, changed, unchanged, deleted; none while delta sync does not
    /// classify them) and the write units it last touched, by kind.
    /// </summary>
    private static async Task<(IReadOnlyDictionary<string, int> Changes, IReadOnlyDictionary<string, int> Units)> LedgerFiguresAsync(string folder, Guid runId)
    {
        var options = new DbContextOptionsBuilder<SqliteLedgerDbContext>();
        options.UseLedgerSqlite($"Data Source={Path.Combine(folder, "embedded-ledger.db")}");
        await using var db = new SqliteLedgerDbContext(options.Options);
        var changes = await db.StagedItems.AsNoTracking().Where(i => i.RunId == runId)
            .GroupBy(i => i.Change).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        var units = await db.WriteUnits.AsNoTracking().Where(u => u.LastRunId == runId)
            .GroupBy(u => u.Kind).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        return (changes.OrderBy(c => c.Key).ToDictionary(c => c.Key.ToString().ToLowerInvariant(), c => c.Count, StringComparer.Ordinal),
            units.OrderBy(u => u.Key).ToDictionary(u => u.Key.ToString().ToLowerInvariant(), u => u.Count, StringComparer.Ordinal));
    }

    private static string Names(SyncExportWriter.Export export) => string.Join(" + ", export.Files.Select(Path.GetFileName));

    private static void PrintTable(IReadOnlyList<RunFigures> runs)
    {
        Console.WriteLine();
        Console.WriteLine($"{"run",-24} {"s",7} {"status",-22} {"verified",9} {"mism.",5} {"find.",5} {"changed",7} {"Zep req",7} {"writes",6} {"reads",6} {"req/chg",7} {"req/user",8} {"+episodes",9} {"+msgs",5}  changes in Zep");
        foreach (var r in runs)
        {
            Console.WriteLine($"{r.Run,-24} {r.Seconds,7:0.00} {r.Status,-22} {$"{r.UsersVerified}/{r.Users}",9} {r.UsersMismatched,5} {r.Findings,5} {r.ChangedItems,7} {r.ZepRequests,7} {r.ZepWrites,6} {r.ZepReads,6} " +
                              $"{(r.RequestsPerChangedItem is { } p ? p.ToString("0.00", CultureInfo.InvariantCulture) : "-"),7} {r.RequestsPerUser,8:0.00} {r.ZepEpisodesAdded,9} {r.ZepMessagesAdded,5}  {r.ChangesInZep}");
        }
        Console.WriteLine();
        foreach (var r in runs)
        {
            Console.WriteLine($"{r.Run}: {(r.AsExpected ? "as a delta sync should" : "NOT as a delta sync should: " + r.Verdict)}");
            Console.WriteLine($"  ledger items by change: {Join(r.LedgerChanges)}; write units touched: {Join(r.LedgerUnitsTouched)}");
            Console.WriteLine($"  Zep requests by route: {Join(r.ZepRequestsByRoute)}" + (r.ZepTooManyRequests > 0 ? $" ({r.ZepTooManyRequests} answered 429)" : ""));
            if (r.FindingsByKind.Count > 0) Console.WriteLine($"  findings: {Join(r.FindingsByKind)}");
        }
        Console.WriteLine("(s = wall time of the run; changed = items the export changed since the run before (all items for the first run); " +
                          "req/chg = Zep requests of the run, migration and validation, per changed item; changes in Zep = changes found exactly once in the emulator)");
    }

    private static string Join<T>(IReadOnlyDictionary<string, T> values) =>
        values.Count == 0 ? "none" : string.Join(", ", values.Select(kv => $"{kv.Key} {kv.Value}"));
}
