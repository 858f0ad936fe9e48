using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Validation;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>threads: create, delete, list. There is no GET /threads/{threadId} in v3 (answered 405, like the live service).</summary>
internal static class ThreadEndpoints
{
    private const int MaxThreadIdLength = 500;
    private const int DefaultPageSize = 10;

    private sealed record CreateThreadRequest(string? ThreadId, string? UserId);

    public static void MapThreadEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/threads", CreateAsync);
        api.MapDelete("/threads/{threadId}", Delete);
        api.MapGet("/threads", List);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateThreadRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrEmpty(body!.ThreadId))
        {
            // Observed verbatim without the "bad request: " prefix.
            return ZepError.BadRequestVerbatim("thread_id is required");
        }

        if (string.IsNullOrEmpty(body.UserId))
        {
            return ZepError.BadRequestVerbatim("user_id is required");
        }

        if (TextLength.CodePoints(body.ThreadId) > MaxThreadIdLength)
        {
            return ZepError.BadRequest($"thread_id must be at most {MaxThreadIdLength} characters");
        }

        var thread = new StoredThread
        {
            Uuid = Guid.NewGuid().ToString(),
            ThreadId = body.ThreadId,
            UserId = body.UserId,
            CreatedAt = clock.GetUtcNow(),
        };

        return store.TryAddThread(thread) switch
        {
            ThreadCreateOutcome.AlreadyExists => ZepError.BadRequest($"session with id {body.ThreadId} already exists"),
            ThreadCreateOutcome.UnknownUser => ZepError.BadRequest($"user does not exist with user_id: {body.UserId}"),
            _ => Results.Json(store.GetThread(thread.ThreadId)!.ToBody(store), ZepJson.Options, statusCode: StatusCodes.Status201Created),
        };
    }

    private static IResult Delete(string threadId, EmulatorStore store) =>
        store.DeleteThread(threadId) ? Results.Json(new MessageOnlyBody("deleted"), ZepJson.Options) : ZepError.NotFound();

    /// <summary>GET /threads?page_number=&amp;page_size=&amp;order_by=&amp;asc= (default page 1, size 10, created_at ascending).</summary>
    private static IResult List(HttpRequest request, EmulatorStore store)
    {
        if (!QueryInt.TryRead(request, "page_number", out var pageNumber) || !QueryInt.TryRead(request, "page_size", out var pageSize))
        {
            return ZepError.BadRequest("page_number and page_size must be integers");
        }

        var page = pageNumber ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (page < 1 || size < 1)
        {
            return ZepError.BadRequest("page_number and page_size must be positive");
        }

        var orderBy = request.Query["order_by"].ToString();
        if (orderBy is not ("" or "created_at" or "updated_at" or "user_id" or "thread_id"))
        {
            return ZepError.BadRequest("order_by must be one of created_at, updated_at, user_id, thread_id");
        }

        var ascending = !string.Equals(request.Query["asc"].ToString(), "false", StringComparison.OrdinalIgnoreCase);
        IEnumerable<StoredThread> threads = store.GetThreads();
        Func<StoredThread, string> key = orderBy switch
        {
            "user_id" => t => t.UserId,
            "thread_id" => t => t.ThreadId,
            _ => t => t.Sequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture),
        };
        var sorted = (ascending ? threads.OrderBy(key, StringComparer.Ordinal) : threads.OrderByDescending(key, StringComparer.Ordinal)).ToArray();
        var pageItems = sorted.Skip((page - 1) * size).Take(size).Select(t => t.ToBody(store)).ToArray();
        return Results.Json(new ThreadListBody(pageItems, pageItems.Length, sorted.Length), ZepJson.Options);
    }
}
