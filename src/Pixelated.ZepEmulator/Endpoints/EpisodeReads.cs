using System.Globalization;
using System.Text;
using System.Text.Json;
using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Validation;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>Reading a user's episodes: GET with lastn, POST with limit/cursor/order_by/direction.</summary>
internal static class EpisodeReads
{
    public const string NextCursorHeader = "Zep-Next-Cursor";
    private const int MaxExplicitLimit = 50;
    private const int DefaultPageSize = 100;

    private sealed record ListRequest(
        int? Limit,
        string? Cursor,
        string? OrderBy,
        string? Direction,
        JsonElement? EpisodeMetadataFilters,
        List<string>? MentionedNodeUuids);

    /// <summary>
    /// GET /graph/episodes/user/{userId}?lastn=N: the N most recent by created_at (the caller's time), oldest first.
    /// Without lastn every episode is returned. Unknown user: 404.
    /// </summary>
    public static IResult LastN(string userId, HttpRequest request, EmulatorStore store)
    {
        if (!QueryInt.TryRead(request, "lastn", out var lastn) || lastn < 0)
        {
            return ZepError.BadRequest("lastn must be a non-negative integer");
        }

        var all = store.GetEpisodesOrNull(userId);
        if (all is null)
        {
            return ZepError.NotFound();
        }

        var chronological = all.OrderBy(e => e.CreatedAt).ThenBy(e => e.Sequence).ToArray();
        var selected = lastn is > 0 ? chronological.Skip(Math.Max(0, chronological.Length - lastn.Value)) : chronological;
        return Results.Json(new EpisodeListBody(selected.Select(e => e.ToBody()).ToArray()), ZepJson.Options);
    }

    /// <summary>
    /// POST /graph/episodes/user/{userId}: bare array; explicit limit clamped to 50, default 100; order_by uuid (default)
    /// or created_at; direction desc (default) or asc. The cursor is opaque (base64 of an offset) and comes back in
    /// the Zep-Next-Cursor header, absent on the last page.
    /// </summary>
    public static async Task<IResult> PageAsync(string userId, HttpContext context, EmulatorStore store)
    {
        ListRequest query;
        if (context.Request.ContentLength is 0)
        {
            query = new ListRequest(null, null, null, null, null, null);
        }
        else
        {
            var (body, error) = await JsonBody.ReadAsync<ListRequest>(context.Request);
            if (error is not null)
            {
                return error;
            }

            query = body!;
        }

        if (query.EpisodeMetadataFilters is { ValueKind: not JsonValueKind.Null })
        {
            return ZepError.BadRequest("episode_metadata_filters is not supported by the emulator");
        }

        if (query.Limit < 0)
        {
            return ZepError.BadRequest("limit must not be negative");
        }

        var orderBy = query.OrderBy ?? "uuid";
        var direction = query.Direction ?? "desc";
        if (orderBy is not ("uuid" or "created_at") || direction is not ("asc" or "desc"))
        {
            return ZepError.BadRequest("order_by must be uuid or created_at and direction asc or desc");
        }

        if (!TryDecodeCursor(query.Cursor, out var offset))
        {
            return ZepError.BadRequest("invalid cursor");
        }

        var all = store.GetEpisodesOrNull(userId);
        if (all is null)
        {
            return ZepError.NotFound();
        }

        IEnumerable<StoredEpisode> filtered = all;
        if (query.MentionedNodeUuids is { Count: > 0 } wanted)
        {
            var set = wanted.ToHashSet(StringComparer.OrdinalIgnoreCase);
            filtered = filtered.Where(e => set.Contains(e.Uuid));
        }

        var sorted = Sort(filtered, orderBy, direction == "asc");
        var size = query.Limit is > 0 ? Math.Min(query.Limit.Value, MaxExplicitLimit) : DefaultPageSize;
        var page = sorted.Skip(offset).Take(size).Select(e => e.ToBody()).ToArray();
        if (offset + page.Length < sorted.Length)
        {
            context.Response.Headers[NextCursorHeader] = EncodeCursor(offset + page.Length);
        }

        return Results.Json(page, ZepJson.Options);
    }

    private static StoredEpisode[] Sort(IEnumerable<StoredEpisode> episodes, string orderBy, bool ascending)
    {
        var ordered = orderBy == "created_at"
            ? (ascending
                ? episodes.OrderBy(e => e.CreatedAt).ThenBy(e => e.Sequence)
                : episodes.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Sequence))
            : (ascending
                ? episodes.OrderBy(e => e.Uuid, StringComparer.Ordinal)
                : episodes.OrderByDescending(e => e.Uuid, StringComparer.Ordinal));
        return ordered.ToArray();
    }

    private static string EncodeCursor(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecodeCursor(string? cursor, out int offset)
    {
        offset = 0;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
