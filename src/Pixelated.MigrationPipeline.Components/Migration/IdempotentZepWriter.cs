using System.Net;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>
/// Writes one user's plan to Zep exactly once (DESIGN.md §3): confirmed units are skipped; a unit whose last send has an
/// unknown outcome is looked up in Zep before it is sent again; Zep's "already exists" counts as success for users and
/// threads (after checking the thread's owner). Validation errors (400) fail only the items concerned.
/// Unknown outcomes (5xx, timeouts, cut connections) propagate, leaving the unit <c>Sent</c>, so the message is retried
/// and the retry reads back first.
/// </summary>
public sealed class IdempotentZepWriter(ZepClient zep, WriteUnitLedger ledger, string userKey)
{
    private readonly ZepReadBack _readBack = new(zep, userKey);

    /// <summary>Item keys that could not be written, with a reason safe for the ledger.</summary>
    public Dictionary<string, string> FailedItems { get; } = new(StringComparer.Ordinal);

    public async Task EnsureUserAsync(PlannedUser user, CancellationToken ct)
    {
        if (ledger.StateOf(user.Key) == WriteState.Confirmed) return;
        await ledger.MarkSentAsync(user.Key, WriteUnitKind.User, ct);
        await GuardAsync(user.Key, WriteUnitKind.User, () => zep.CreateUserAsync(user.Request, ct), ct);
        await ledger.ConfirmAsync(user.Key, WriteUnitKind.User, user.Request.UserId, ct);
    }

    /// <summary>Creates the thread if needed; false (with its items failed) when the thread id belongs to another user.</summary>
    public async Task<bool> EnsureThreadAsync(PlannedThread thread, CancellationToken ct)
    {
        if (ledger.StateOf(thread.Key) == WriteState.Confirmed) return true;
        await ledger.MarkSentAsync(thread.Key, WriteUnitKind.Thread, ct);
        var created = await GuardAsync(thread.Key, WriteUnitKind.Thread,
            () => zep.CreateThreadAsync(new CreateThreadRequest(thread.ThreadId, userKey), ct), ct);
        if (!created)
        {
            var existing = await zep.GetMessagesAsync(thread.ThreadId, 1, 1, ct);
            if (existing?.UserId is { } owner && !string.Equals(owner, userKey, StringComparison.Ordinal))
            {
                const string reason = "Zep thread id already exists under another user";
                await ledger.FailAsync(thread.Key, WriteUnitKind.Thread, reason, ct);
                foreach (var m in thread.Batches.SelectMany(b => b.Messages)) FailedItems.TryAdd(m.ItemKey, reason);
                return false;
            }
        }
        await ledger.ConfirmAsync(thread.Key, WriteUnitKind.Thread, thread.ThreadId, ct);
        return true;
    }

    public async Task WriteBatchAsync(PlannedThread thread, PlannedMessageBatch batch, CancellationToken ct)
    {
        var state = ledger.StateOf(batch.Key);
        if (state is WriteState.Confirmed or WriteState.Failed) return;

        var toSend = batch.Messages;
        if (state == WriteState.Sent)
        {
            var present = await _readBack.ThreadMessageKeysAsync(thread.ThreadId, ct);
            toSend = batch.Messages.Where(m => !present.Contains(m.Key)).ToList();
        }
        if (toSend.Count > 0)
        {
            await ledger.MarkSentAsync(batch.Key, WriteUnitKind.Messages, ct);
            try
            {
                var response = await GuardAsync(batch.Key, WriteUnitKind.Messages,
                    () => zep.AddMessagesAsync(thread.ThreadId, new AddMessagesRequest(toSend.Select(m => m.Message).ToList()), ct), ct);
                await ledger.ConfirmAsync(batch.Key, WriteUnitKind.Messages, string.Join(',', response.MessageUuids), ct);
                return;
            }
            catch (ZepApiException e) when (IsRejection(e))
            {
                await ledger.FailAsync(batch.Key, WriteUnitKind.Messages, e.Describe(), ct);
                foreach (var m in batch.Messages) FailedItems.TryAdd(m.ItemKey, e.Describe());
                return;
            }
        }
        await ledger.ConfirmAsync(batch.Key, WriteUnitKind.Messages, null, ct);
    }

    public async Task WriteEpisodeAsync(PlannedEpisode episode, CancellationToken ct)
    {
        var state = ledger.StateOf(episode.Key);
        if (state is WriteState.Confirmed or WriteState.Failed) return;
        if (state == WriteState.Sent && await _readBack.HasEpisodeAsync(episode.Key, ct))
        {
            await ledger.ConfirmAsync(episode.Key, WriteUnitKind.Episode, null, ct);
            return;
        }
        await ledger.MarkSentAsync(episode.Key, WriteUnitKind.Episode, ct);
        try
        {
            var created = await GuardAsync(episode.Key, WriteUnitKind.Episode, () => zep.AddDataAsync(episode.Request, ct), ct);
            await ledger.ConfirmAsync(episode.Key, WriteUnitKind.Episode, created.Uuid, ct);
        }
        catch (ZepApiException e) when (IsRejection(e))
        {
            await ledger.FailAsync(episode.Key, WriteUnitKind.Episode, e.Describe(), ct);
            FailedItems.TryAdd(episode.ItemKey, e.Describe());
        }
    }

    /// <summary>Zep refused the write as invalid: retrying cannot help, the item fails with its reason.</summary>
    private static bool IsRejection(ZepApiException e) =>
        e.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge;

    /// <summary>Runs one call; when the call provably did not reach Zep, releases the unit so it can be sent again without a read-back.</summary>
    private async Task<T> GuardAsync<T>(string key, WriteUnitKind kind, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (ZepApiException e) when (e.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await ledger.ReleaseAsync(key, kind, e.Describe(), CancellationToken.None);
            throw;
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            await ledger.ReleaseAsync(key, kind, "Zep unreachable", CancellationToken.None);
            throw;
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            await ledger.ReleaseAsync(key, kind, "circuit open: Zep looks down", CancellationToken.None);
            throw;
        }
    }
}
