using System.Text.Json;
using Pixelated.ZepEmulator.Errors;
using Pixelated.ZepEmulator.Validation;
using Pixelated.ZepEmulator.Wire;

namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>users: create, get, update, delete, list (users-ordered), the user's threads.</summary>
internal static class UserEndpoints
{
    private const int MaxUserIdLength = 500;
    private const int DefaultPageSize = 10;

    private sealed record CreateUserRequest(
        string? UserId,
        string? Email,
        string? FirstName,
        string? LastName,
        Dictionary<string, JsonElement>? Metadata,
        bool? DisableDefaultOntology,
        string? TimeZone);

    public static void MapUserEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/users", CreateAsync);
        api.MapGet("/users/{userId}", Get);
        api.MapPatch("/users/{userId}", UpdateAsync);
        api.MapDelete("/users/{userId}", Delete);
        api.MapGet("/users-ordered", List);
        api.MapGet("/users/{userId}/threads", ListThreads);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<CreateUserRequest>(request);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrEmpty(body!.UserId))
        {
            return ZepError.BadRequest("user_id is required");
        }

        if (TextLength.CodePoints(body.UserId) > MaxUserIdLength)
        {
            return ZepError.BadRequest($"user_id must be at most {MaxUserIdLength} characters");
        }

        var now = clock.GetUtcNow();
        var user = new StoredUser
        {
            Uuid = Guid.NewGuid().ToString(),
            UserId = body.UserId,
            Id = store.NextUserId(),
            GraphUuid = Guid.NewGuid().ToString(),
            Email = body.Email,
            FirstName = body.FirstName,
            LastName = body.LastName,
            Metadata = body.Metadata,
            DisableDefaultOntology = body.DisableDefaultOntology ?? false,
            TimeZone = body.TimeZone,
            CreatedAt = now,
            UpdatedAt = now,
        };

        if (!store.TryAddUser(user))
        {
            return ZepError.BadRequest($"user already exists with user_id: {body.UserId}");
        }

        return Results.Json(user.ToBody(store), ZepJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static IResult Get(string userId, EmulatorStore store) =>
        store.GetUser(userId) is { } user ? Results.Json(user.ToBody(store), ZepJson.Options) : ZepError.NotFound();

    /// <summary>PATCH: fields present in the body replace the stored ones; <c>time_zone: null</c> clears it.</summary>
    private static async Task<IResult> UpdateAsync(string userId, HttpRequest request, EmulatorStore store, TimeProvider clock)
    {
        var (body, error) = await JsonBody.ReadAsync<Dictionary<string, JsonElement>>(request);
        if (error is not null)
        {
            return error;
        }

        UserPatch parsed;
        try
        {
            parsed = UserPatch.From(body!);
        }
        catch (InvalidOperationException)
        {
            return ZepError.BadRequest("invalid field type in request body");
        }

        var now = clock.GetUtcNow();
        var updated = store.UpdateUser(userId, current => parsed.ApplyTo(current, now));
        return updated is null ? ZepError.NotFound() : Results.Json(updated.ToBody(store), ZepJson.Options);
    }

    private static IResult Delete(string userId, EmulatorStore store) =>
        store.DeleteUser(userId) ? Results.Json(new MessageOnlyBody("deleted"), ZepJson.Options) : ZepError.NotFound();

    /// <summary>GET /users-ordered?pageNumber=&amp;pageSize=&amp;search=&amp;order_by=&amp;asc= (default page 1, size 10, created_at ascending).</summary>
    private static IResult List(HttpRequest request, EmulatorStore store)
    {
        if (!QueryInt.TryRead(request, "pageNumber", out var pageNumber) || !QueryInt.TryRead(request, "pageSize", out var pageSize))
        {
            return ZepError.BadRequest("pageNumber and pageSize must be integers");
        }

        var page = pageNumber ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (page < 1 || size < 1)
        {
            return ZepError.BadRequest("pageNumber and pageSize must be positive");
        }

        var orderBy = request.Query["order_by"].ToString();
        if (orderBy is not ("" or "created_at" or "user_id" or "email"))
        {
            return ZepError.BadRequest("order_by must be one of created_at, user_id, email");
        }

        var ascending = !string.Equals(request.Query["asc"].ToString(), "false", StringComparison.OrdinalIgnoreCase);
        var search = request.Query["search"].ToString();

        IEnumerable<StoredUser> users = store.GetUsers();
        if (search.Length > 0)
        {
            users = users.Where(u => Contains(u.UserId, search) || Contains(u.Email, search)
                || Contains(u.FirstName, search) || Contains(u.LastName, search));
        }

        Func<StoredUser, string> key = orderBy switch
        {
            "user_id" => u => u.UserId,
            "email" => u => u.Email ?? string.Empty,
            _ => u => u.Id.ToString("D20", System.Globalization.CultureInfo.InvariantCulture),
        };
        var sorted = (ascending ? users.OrderBy(key, StringComparer.Ordinal) : users.OrderByDescending(key, StringComparer.Ordinal)).ToArray();
        var pageItems = sorted.Skip((page - 1) * size).Take(size).Select(u => u.ToBody(store)).ToArray();
        return Results.Json(new UserListBody(pageItems, sorted.Length, pageItems.Length), ZepJson.Options);
    }

    private static IResult ListThreads(string userId, EmulatorStore store) =>
        store.GetThreadsOfUser(userId) is { } threads
            ? Results.Json(threads.Select(t => t.ToBody(store)).ToArray(), ZepJson.Options)
            : ZepError.NotFound();

    private static bool Contains(string? value, string search) =>
        value is not null && value.Contains(search, StringComparison.OrdinalIgnoreCase);
}
