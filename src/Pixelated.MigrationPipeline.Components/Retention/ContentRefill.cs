using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Components.Retention;

/// <summary>
/// Puts a purged payload back before a rerun writes it (DESIGN.md §5: "a rerun re-reads the source files"): the run's
/// source files, as the run recorded them, are read once more, and each purged item of the given users whose record is
/// found with the same content hash gets its content, name, categories and metadata back. An item whose record is gone or
/// changed stays purged (the caller refuses then). The users' e-mail and names come back from the run's users file the same
/// way. Logs counts only.
/// </summary>
public sealed class ContentRefill(LedgerDbContext db, ILogger<ContentRefill> logger)
{
    /// <summary>Refilled: items given their payload back; StillPurged: purged items not found unchanged; FilesUnreadable: source files missing or unreadable.</summary>
    public sealed record Result(int Refilled, int StillPurged, int FilesUnreadable);

    public async Task<Result> RefillAsync(MigrationRun run, IReadOnlyCollection<string> userKeys, CancellationToken ct)
    {
        var wanted = new Dictionary<(string UserKey, string ItemKey), (long Id, string Hash)>();
        foreach (var chunk in userKeys.Chunk(500))
        {
            var rows = await db.StagedItems.AsNoTracking()
                .Where(i => i.RunId == run.Id && chunk.Contains(i.UserKey) && i.Kind != StagedItemKind.Unreadable
                            && i.Status != ItemStatus.Skipped && i.Content == null)
                .Select(i => new { i.Id, i.UserKey, i.ItemKey, i.ContentHash }).ToListAsync(ct);
            foreach (var row in rows) wanted[(row.UserKey, row.ItemKey)] = (row.Id, row.ContentHash);
        }
        await RefillProfilesAsync(run, userKeys, ct);
        if (wanted.Count == 0) return new Result(0, 0, 0);

        var found = new Dictionary<long, StagedItem>();
        var unreadable = 0;
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = run.AssignUserId });
        foreach (var file in ExportFiles.Expand(JsonSerializer.Deserialize<List<string>>(run.SourceFiles) ?? []))
        {
            if (found.Count == wanted.Count) break;
            if (!File.Exists(file)) { unreadable++; continue; }
            try
            {
                await foreach (var outcome in reader.ReadAsync(file, ct))
                {
                    if (outcome is not ItemRead { Item: var item }) continue;
                    var row = StagedItemFactory.FromItem(run.Id, item, includeInactive: true);
                    if (wanted.TryGetValue(StagedItemFactory.IdentityOf(row), out var want) && !found.ContainsKey(want.Id)
                        && string.Equals(row.ContentHash, want.Hash, StringComparison.Ordinal))
                        found[want.Id] = row;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException)
            {
                unreadable++;
                logger.LogWarning("A source file of run {RunId} could not be read again to refill purged content ({Error})", run.Id, e.GetType().Name);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (id, row) in found)
        {
            await db.StagedItems.Where(i => i.Id == id && i.Content == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Content, row.Content)
                    .SetProperty(i => i.Name, row.Name)
                    .SetProperty(i => i.CategoriesJson, row.CategoriesJson)
                    .SetProperty(i => i.MetadataJson, row.MetadataJson), ct);
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Run {RunId}: refilled the purged content of {Refilled} of {Wanted} item(s) from its source files ({Unreadable} file(s) missing or unreadable)",
            run.Id, found.Count, wanted.Count, unreadable);
        return new Result(found.Count, wanted.Count - found.Count, unreadable);
    }

    /// <summary>
    /// Puts back the e-mail and names of the given users purged from the ledger, from the run's users file, for each user
    /// whose row there still hashes to the profile the run planned (a changed row stays purged; validation then compares by hash).
    /// </summary>
    private async Task RefillProfilesAsync(MigrationRun run, IReadOnlyCollection<string> userKeys, CancellationToken ct)
    {
        if (run.UsersFile is null) return;
        var purged = new List<RunUser>();
        foreach (var chunk in userKeys.Chunk(500))
            purged.AddRange(await db.RunUsers.Where(u => u.RunId == run.Id && chunk.Contains(u.UserKey) && u.ProfileHash != null
                                                         && u.Email == null && u.FirstName == null && u.LastName == null).ToListAsync(ct));
        if (purged.Count == 0) return;
        if (!UsersFileReader.TryRead(run.UsersFile, out var file, out _))
        {
            logger.LogWarning("The users file of run {RunId} could not be read again to refill purged profiles", run.Id);
            return;
        }
        var rows = file.Rows.ToDictionary(r => r.Mem0UserId, StringComparer.Ordinal);
        foreach (var user in purged)
        {
            if (rows.TryGetValue(user.UserKey, out var row) && UserTarget.HashOf(row.Email, row.FirstName, row.LastName) == user.ProfileHash)
                (user.Email, user.FirstName, user.LastName) = (row.Email, row.FirstName, row.LastName);
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }
}
