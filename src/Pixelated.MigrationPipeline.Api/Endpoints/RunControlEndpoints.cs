using Pixelated.MigrationPipeline.Api.Audit;
using Pixelated.MigrationPipeline.Api.Auth;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>Operator control of a run: pause, resume, cancel, retry, revalidate. 202 when done, 404 / 409 problem details otherwise.</summary>
public static class RunControlEndpoints
{
    private const int MaxReasonLength = 500;

    public static void MapRunControl(this RouteGroupBuilder api)
    {
        Map(api, "pause", "Stop dispatching new users; users in flight finish",
            (s, id, body, ct) => s.PauseAsync(id, body?.Reason, ct));
        Map(api, "resume", "Continue a paused or interrupted run",
            (s, id, _, ct) => s.ResumeAsync(id, ct));
        Map(api, "cancel", "Cancel: waiting users are not migrated; users in flight finish",
            (s, id, body, ct) => s.CancelAsync(id, body?.Reason, ct));
        Map(api, "retry", "Send failed and mismatched users again",
            (s, id, _, ct) => s.RetryAsync(id, ct));
        Map(api, "revalidate", "Read Zep back for the run's migrated users (or one: body.user) and record findings; writes nothing",
            (s, id, body, ct) => s.RevalidateAsync(id, string.IsNullOrEmpty(body?.User) ? null : body.User, ct));
    }

    private static void Map(RouteGroupBuilder api, string action, string summary,
        Func<RunControlService, Guid, ControlRequest?, CancellationToken, Task<ControlResult>> control)
    {
        api.MapPost($"/migrations/{{id:guid}}/{action}", async (Guid id, RunControlService service, HttpContext http, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<ControlRequest>(http, optional: true, ct);
                if (problem is not null)
                {
                    http.SetAuditDetail("refused: the body");
                    return problem;
                }
                if (body?.Reason is { Length: > MaxReasonLength }) return ApiProblems.BadRequest($"'reason' is longer than {MaxReasonLength} characters.");
                var result = await control(service, id, body, ct);
                http.SetAuditDetail(AuditDetail(result, body));
                return ToResult(id, action, result);
            })
            .RequireAuthorization(ApiPolicies.Operate)
            .WithMetadata(new AuditedAction($"migration.{action}"))
            .AddEndpointFilter<AuditFilter>()
            .WithBody<RouteHandlerBuilder, ControlRequest>(optional: true, "application/json")
            .Produces<ControlResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName($"{char.ToUpperInvariant(action[0])}{action[1..]}Migration")
            .WithSummary(summary);
    }

    private static IResult ToResult(Guid id, string action, ControlResult result) => result.Outcome switch
    {
        ControlOutcome.Done => TypedResults.Accepted(RunLinks.Run(id), new ControlResponse(id, action, result.Message, result.Users)),
        ControlOutcome.NotFound => ApiProblems.NotFound(result.Message),
        ControlOutcome.Conflict => ApiProblems.Conflict(result.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null),
    };

    /// <summary>The service's message (counts and statuses, no user ids) and the operator's reason (cleaned as stored); never the user id of a revalidation.</summary>
    private static string AuditDetail(ControlResult result, ControlRequest? body) =>
        string.Join("; ", new[] { result.Message, OperatorText.Clean(body?.Reason) is { } r ? $"reason: {r}" : null, body?.User is null ? null : "one user" }
            .Where(s => s is not null));
}

/// <summary>Optional body of a control action: why (pause, cancel), and for revalidate the one user to check.</summary>
public sealed record ControlRequest(string? Reason = null, string? User = null);

public sealed record ControlResponse(Guid RunId, string Action, string Message, int Users);
