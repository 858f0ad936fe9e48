using Pixelated.MemoryService.Access;
using Pixelated.MemoryService.Auth;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MemoryService.Application.Memory;

/// <summary>
/// Reads a session's history in pages, newest or oldest first, over Zep's pages (oldest first, a 1-based page number as
/// cursor): a page is a range of positions in the thread, read from the Zep pages that cover it. The first newest-first
/// page is Zep's <c>lastn</c>. Any session can be read (open, closed, expired or imported).
/// </summary>
public sealed class HistoryReader(SessionAccess access, Guard guard, ZepClient zep)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    private const int ZepPageSize = 100;
    private const int MaxPosition = 100_000_000; // far beyond any thread; keeps position arithmetic from overflowing

    public async Task<Outcome<HistoryPage>> ReadAsync(Caller caller, string sessionId, HistoryQuery query, CancellationToken ct)
    {
        const string action = MemoryActions.ReadHistory;
        var (session, refusal) = await access.EnterAsync<HistoryPage>(caller, sessionId, Operation.ReadClinical, action, ct);
        if (refusal is not null) return refusal;
        var owner = session!.UserId;
        var parsed = Parse(query, out var limit, out var newestFirst, out var cursor);
        if (parsed is not null) return await guard.RecordAsync(caller, action, owner, sessionId, parsed, ct);

        var page = newestFirst ? await NewestAsync(sessionId, limit, cursor, ct) : await OldestAsync(sessionId, limit, cursor, ct);
        var outcome = page is null ? Outcome<HistoryPage>.NotFound("the session's memory is not in Zep (deleted)") : Outcome<HistoryPage>.Ok(page);
        return await guard.RecordAsync(caller, action, owner, sessionId, outcome, ct);
    }

    public async Task<Outcome<MessageCount>> CountAsync(Caller caller, string sessionId, CancellationToken ct)
    {
        const string action = MemoryActions.CountHistory;
        var (session, refusal) = await access.EnterAsync<MessageCount>(caller, sessionId, Operation.ReadClinical, action, ct);
        if (refusal is not null) return refusal;
        var thread = await zep.GetMessagesAsync(sessionId, limit: 1, cursor: 1, ct);
        var outcome = thread is null
            ? Outcome<MessageCount>.NotFound("the session's memory is not in Zep (deleted)")
            : Outcome<MessageCount>.Ok(new MessageCount(sessionId, thread.TotalCount));
        return await guard.RecordAsync(caller, action, session!.UserId, sessionId, outcome, ct);
    }

    private static Outcome<HistoryPage>? Parse(HistoryQuery query, out int limit, out bool newestFirst, out HistoryCursor? cursor)
    {
        limit = query.Limit ?? DefaultLimit;
        newestFirst = query.Order is null || string.Equals(query.Order, "newest", StringComparison.OrdinalIgnoreCase);
        cursor = null;
        if (limit is < 1 or > MaxLimit) return Outcome<HistoryPage>.Invalid("limit", $"must be from 1 to {MaxLimit}");
        if (!newestFirst && !string.Equals(query.Order, "oldest", StringComparison.OrdinalIgnoreCase))
            return Outcome<HistoryPage>.Invalid("order", "must be newest or oldest");
        if (string.IsNullOrEmpty(query.Cursor)) return null;
        cursor = HistoryCursor.Decode(query.Cursor);
        if (cursor is null || cursor.NewestFirst != newestFirst || cursor.Position > MaxPosition)
            return Outcome<HistoryPage>.Invalid("cursor", "is not a cursor of this history in this order");
        return null;
    }

    private async Task<HistoryPage?> NewestAsync(string sessionId, int limit, HistoryCursor? cursor, CancellationToken ct)
    {
        IReadOnlyList<ZepMessage> messages;
        int total, start;
        if (cursor is null)
        {
            var last = await zep.GetLastMessagesAsync(sessionId, limit, ct);
            if (last is null) return null;
            (messages, total) = (last.Messages, last.TotalCount);
            start = total - messages.Count;
        }
        else
        {
            var end = cursor.Position;
            start = Math.Max(0, end - limit);
            var range = await RangeAsync(sessionId, start, end, ct);
            if (range is null) return null;
            (messages, total) = range.Value;
        }
        var next = start > 0 && messages.Count > 0 ? new HistoryCursor(true, start).Encode() : null;
        return new HistoryPage(sessionId, messages.Reverse().Select(View).ToList(), next, total);
    }

    private async Task<HistoryPage?> OldestAsync(string sessionId, int limit, HistoryCursor? cursor, CancellationToken ct)
    {
        var start = cursor?.Position ?? 0;
        var range = await RangeAsync(sessionId, start, start + limit, ct);
        if (range is null) return null;
        var (messages, total) = range.Value;
        var next = start + messages.Count < total && messages.Count > 0 ? new HistoryCursor(false, start + messages.Count).Encode() : null;
        return new HistoryPage(sessionId, messages.Select(View).ToList(), next, total);
    }

    /// <summary>The messages at positions [start, end) oldest first, read from the Zep pages covering them, and the thread's total.</summary>
    private async Task<(IReadOnlyList<ZepMessage> Messages, int Total)?> RangeAsync(string sessionId, int start, int end, CancellationToken ct)
    {
        var result = new List<ZepMessage>(end - start);
        var total = 0;
        for (var page = start / ZepPageSize + 1; (page - 1) * ZepPageSize < end; page++)
        {
            var response = await zep.GetMessagesAsync(sessionId, ZepPageSize, page, ct);
            if (response is null) return null;
            total = response.TotalCount;
            var first = (page - 1) * ZepPageSize;
            result.AddRange(response.Messages.Where((_, i) => first + i >= start && first + i < end));
            if (response.Messages.Count < ZepPageSize) break;
        }
        return (result, total);
    }

    private static HistoryMessage View(ZepMessage message) =>
        new(message.Uuid, MetadataText.Of(message.Metadata, "mem0_role") ?? message.Role, message.Name, message.Content, message.CreatedAt);
}
