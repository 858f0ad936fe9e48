using System.Text.Json;
using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Validation;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>POST and GET /threads/{threadId}/messages.</summary>
internal static class MessageEndpoints
{
    private const int MaxMessagesPerCall = 30;
    private const int MaxContentChars = 4096;
    private const int DefaultLimit = 100;

    private sealed record MessageInput(
        string? Content,
        string? Role,
        string? Name,
        string? CreatedAt,
        Dictionary<string, JsonElement>? Metadata);

    private sealed record AddMessagesRequest(List<MessageInput?>? Messages, List<string>? IgnoreRoles, bool? ReturnContext);

    public static void MapMessageEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/threads/{threadId}/messages", AddAsync);
        api.MapGet("/threads/{threadId}/messages", List);
    }

    private static async Task<IResult> AddAsync(string threadId, HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<AddMessagesRequest>(request);
        if (error is not null)
        {
            return error;
        }

        var now = clock.GetUtcNow();
        var (messages, problem) = Validate(threadId, body!, now);
        if (problem is not null)
        {
            return problem;
        }

        if (!store.TryAddMessages(threadId, messages))
        {
            return ZepError.NotFound();
        }

        var response = new AddMessagesBody(
            messages.Select(m => m.Uuid).ToArray(),
            Guid.NewGuid().ToString(),
            body!.ReturnContext == true ? string.Empty : null);
        return Results.Json(response, ZepJson.Options);
    }

    private static (List<StoredMessage> Messages, IResult? Problem) Validate(string threadId, AddMessagesRequest body, DateTimeOffset now)
    {
        var result = new List<StoredMessage>();
        if (body.Messages is null || body.Messages.Count == 0)
        {
            return (result, ZepError.BadRequest("messages are required"));
        }

        if (body.Messages.Count > MaxMessagesPerCall)
        {
            return (result, ZepError.BadRequest(
                $"max messages per memory of {MaxMessagesPerCall} exceeded. reduce the number of messages in your request"));
        }

        foreach (var role in body.IgnoreRoles ?? [])
        {
            if (!Roles.All.Contains(role))
            {
                return (result, ZepError.BadRequestVerbatim(Roles.InvalidRoleMessage(role)));
            }
        }

        foreach (var input in body.Messages)
        {
            var (message, problem) = ToMessage(threadId, input, now);
            if (problem is not null)
            {
                return (result, problem);
            }

            result.Add(message!);
        }

        return (result, null);
    }

    /// <summary>One message: content (≤ <see cref="MaxContentChars"/> characters), role, metadata, created_at.</summary>
    private static (StoredMessage? Message, IResult? Problem) ToMessage(string threadId, MessageInput? input, DateTimeOffset now)
    {
        if (input?.Content is null)
        {
            return (null, ZepError.BadRequest("message content is required"));
        }

        if (input.Role is null || !Roles.All.Contains(input.Role))
        {
            return (null, ZepError.BadRequestVerbatim(Roles.InvalidRoleMessage(input.Role)));
        }

        if (TextLength.CodePoints(input.Content) > MaxContentChars)
        {
            return (null, ZepError.BadRequest($"message content exceeds {MaxContentChars} characters"));
        }

        if (MetadataRules.Check(input.Metadata) is { } metadataProblem)
        {
            return (null, ZepError.BadRequest(metadataProblem));
        }

        var createdAt = now;
        if (input.CreatedAt is not null && !ZepJson.TryParseTime(input.CreatedAt, out createdAt))
        {
            return (null, ZepError.BadRequest("created_at must be an RFC3339 timestamp"));
        }

        var message = new StoredMessage
        {
            Uuid = Guid.NewGuid().ToString(),
            ThreadId = threadId,
            Role = input.Role,
            Name = input.Name,
            Content = input.Content,
            CreatedAt = createdAt,
            Metadata = input.Metadata,
        };
        return (message, null);
    }

    /// <summary>
    /// Oldest first. <c>cursor</c> is a 1-based page number (default 1), <c>limit</c> the page size (default 100);
    /// <c>lastn</c> returns the N most recent, still oldest first, and overrides both.
    /// </summary>
    private static IResult List(string threadId, HttpRequest request, EmulatorStore store)
    {
        if (!QueryInt.TryRead(request, "limit", out var limit)
            || !QueryInt.TryRead(request, "cursor", out var cursor)
            || !QueryInt.TryRead(request, "lastn", out var lastn))
        {
            return ZepError.BadRequest("limit, cursor and lastn must be integers");
        }

        if (limit < 0 || cursor < 0 || lastn < 0)
        {
            return ZepError.BadRequest("limit, cursor and lastn must not be negative");
        }

        var thread = store.GetThread(threadId);
        var all = store.GetMessagesOrNull(threadId);
        if (thread is null || all is null)
        {
            return ZepError.NotFound();
        }

        IEnumerable<StoredMessage> page;
        if (lastn is > 0)
        {
            page = all.Skip(Math.Max(0, all.Count - lastn.Value));
        }
        else
        {
            var size = limit is > 0 ? limit.Value : DefaultLimit;
            var pageNumber = cursor is > 0 ? cursor.Value : 1;
            page = all.Skip((int)Math.Min(int.MaxValue, (long)(pageNumber - 1) * size)).Take(size);
        }

        var messages = page.Select(m => m.ToBody()).ToArray();
        var user = store.GetUser(thread.UserId);
        return Results.Json(
            new MessageListBody(messages, messages.Length, all.Count, ZepJson.FormatTime(thread.CreatedAt), thread.UserId, user?.Uuid ?? string.Empty),
            ZepJson.Options);
    }
}
