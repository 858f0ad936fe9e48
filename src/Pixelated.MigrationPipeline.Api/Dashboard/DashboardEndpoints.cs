using Microsoft.AspNetCore.Antiforgery;
using Pixelated.MigrationPipeline.Api.Audit;
using Pixelated.MigrationPipeline.Api.Endpoints;
using Pixelated.MigrationPipeline.Components.Repair;
using Pixelated.MigrationPipeline.Components.Runs;

namespace Pixelated.MigrationPipeline.Api.Dashboard;

/// <summary>
/// The dashboard's operator actions, <c>POST /dashboard/...</c>: the same services, statuses and audit trail as the API's
/// control and start endpoints, behind the cookie (operators only: a viewer's POST is refused 403 and audited by
/// <see cref="AuditingAuthorizationResultHandler"/>) and an antiforgery token (header <c>RequestVerificationToken</c> or
/// form field; a missing or wrong token is 400, audited). Answers are JSON for the page's script; no redirects.
/// </summary>
public static class DashboardEndpoints
{
    private const int MaxReasonLength = 500;

    public static void MapDashboardActions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dashboard").RequireAuthorization(DashboardAuth.OperatePolicy).ExcludeFromDescription();

        Control(group, "pause", (s, id, reason, ct) => s.PauseAsync(id, reason, ct));
        Control(group, "resume", (s, id, _, ct) => s.ResumeAsync(id, ct));
        Control(group, "cancel", (s, id, reason, ct) => s.CancelAsync(id, reason, ct));
        Control(group, "retry", (s, id, _, ct) => s.RetryAsync(id, ct));
        Control(group, "revalidate", (s, id, _, ct) => s.RevalidateAsync(id, null, ct));

        Audited(group.MapPost("/runs/{id:guid}/repair", async (Guid id, RunRepairService repair, HttpContext http, CancellationToken ct) =>
        {
            var dryRun = http.Request.HasFormContentType && (await http.Request.ReadFormAsync(ct))["dryRun"] is var d && d == "true";
            var report = await repair.RepairAsync(id, dryRun, ct);
            if (report is null) return ApiProblems.RunNotFound(id);
            http.SetAuditDetail("dashboard; " + report.Summary);
            return TypedResults.Ok(new ActionAnswer(report.Summary, null));
        }), "migration.repair");

        // Upload (multipart files and option fields) or a path inside the drop folder (a multipart 'path' field): the API's reader.
        Audited(group.MapPost("/runs", async (HttpContext http, StartRequestReader reader, RunLauncher launcher, CancellationToken ct) =>
        {
            var input = await reader.ReadAsync(http, ct);
            http.SetAuditDetail("dashboard; " + input.AuditDetail);
            if (input.Problem is not null) return input.Problem;
            var o = input.Options;
            // StartedVia "api": the dashboard is the API host, and such runs read only inside the drop folder.
            var runId = await launcher.StartAsync(new RunRequest(input.Paths, o.DryRun, o.AssignUserId, o.Users, o.Session, o.MaxUsersInFlight,
                StartedVia: "api", RequestedBy: http.User.Identity?.Name, UsersFile: input.UsersFile, UserPrefix: o.UserPrefix, UpdateUsers: o.UpdateUsers), ct);
            http.SetRunId(runId);
            return TypedResults.Accepted(RunPage(runId), new ActionAnswer("started", RunPage(runId)));
        }), "migration.start");
    }

    public static string RunPage(Guid runId) => $"/runs/{runId}";

    private static void Control(RouteGroupBuilder group, string action,
        Func<RunControlService, Guid, string?, CancellationToken, Task<ControlResult>> control) =>
        Audited(group.MapPost($"/runs/{{id:guid}}/{action}", async (Guid id, RunControlService service, HttpContext http, CancellationToken ct) =>
        {
            string? reason = null;
            if (http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync(ct);
                reason = string.IsNullOrWhiteSpace(form["reason"]) ? null : form["reason"].ToString().Trim();
            }
            if (reason is { Length: > MaxReasonLength }) return ApiProblems.BadRequest($"The reason is longer than {MaxReasonLength} characters.");
            var result = await control(service, id, reason, ct);
            http.SetAuditDetail(string.Join("; ", new[] { "dashboard", result.Message, OperatorText.Clean(reason) is { } r ? $"reason: {r}" : null }
                .Where(s => s is not null)));
            return result.Outcome switch
            {
                ControlOutcome.Done => TypedResults.Accepted(RunPage(id), new ActionAnswer(result.Message, null)),
                ControlOutcome.NotFound => ApiProblems.NotFound(result.Message),
                _ => ApiProblems.Conflict(result.Message),
            };
        }), $"migration.{action}");

    /// <summary>Audited like the API's action (outermost filter), then the antiforgery check, then the handler.</summary>
    private static void Audited(RouteHandlerBuilder endpoint, string action) =>
        endpoint.WithMetadata(new AuditedAction(action))
            .AddEndpointFilter<AuditFilter>()
            .AddEndpointFilter<AntiforgeryCheck>();
}

/// <summary>What an action answered: the service's message (counts and statuses, never user ids) and where to go next.</summary>
public sealed record ActionAnswer(string Message, string? Location);

/// <summary>
/// Validates the antiforgery token of a dashboard action (ASP.NET Core antiforgery: the token from the page, in the
/// <c>RequestVerificationToken</c> header or the form, against the antiforgery cookie and the signed-in identity). The header
/// is read first, so an upload's body is not buffered to find the token.
/// </summary>
public sealed class AntiforgeryCheck(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            http.SetAuditDetail("dashboard; refused: missing or invalid antiforgery token");
            return ApiProblems.BadRequest("The antiforgery token is missing or invalid; reload the page.");
        }
        return await next(context);
    }
}
