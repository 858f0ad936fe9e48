using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>Reads (any key): the runs list, one run's status and progress, its report (JSON or CSV), its users.</summary>
public static class RunQueryEndpoints
{
    public static void MapRunQueries(this RouteGroupBuilder api)
    {
        api.MapGet("/migrations", ListAsync).WithName("ListMigrations")
            .WithSummary("The most recent runs first, each with its source and previous sync; per source, its last finished sync and the lag")
            .Produces<RunList>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/migrations/{id:guid}", GetAsync).WithName("GetMigration").WithSummary("A run's status, progress, rate and ETA")
            .Produces<RunStatusView>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/migrations/{id:guid}/report", ReportAsync).WithName("GetMigrationReport")
            .WithSummary("The run's report as JSON, or CSV with Accept: text/csv or ?format=csv")
            .Produces<RunReport>().Produces<string>(StatusCodes.Status200OK, RunReportCsv.ContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/migrations/{id:guid}/users", UsersAsync).WithName("GetMigrationUsers")
            .WithSummary("The run's users, optionally of one status (?status=failed)")
            .Produces<UserList>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(RunReportQuery query, int? take, CancellationToken ct)
    {
        if (take is < 1 or > 1000) return ApiProblems.BadRequest("'take' must be between 1 and 1000.");
        var listing = await query.ListWithSourcesAsync(take ?? 50, ct);
        return TypedResults.Ok(new RunList(listing.Runs, listing.Sources));
    }

    private static async Task<IResult> GetAsync(Guid id, RunReportQuery query, CancellationToken ct) =>
        await query.GetAsync(id, ct) is { } report ? TypedResults.Ok(RunStatusView.Of(report)) : ApiProblems.RunNotFound(id);

    private static async Task<IResult> ReportAsync(Guid id, string? format, HttpContext http, RunReportQuery query, CancellationToken ct)
    {
        var csv = format is null
            ? http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(RunReportCsv.ContentType, StringComparison.OrdinalIgnoreCase))
            : format.ToLowerInvariant() switch { "csv" => true, "json" => false, _ => (bool?)null };
        if (csv is null) return ApiProblems.BadRequest("'format' must be 'json' or 'csv'.");
        if (await query.GetAsync(id, ct) is not { } report) return ApiProblems.RunNotFound(id);
        if (csv == false) return TypedResults.Ok(report);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"run-{id}.csv\"";
        return TypedResults.Text(RunReportCsv.Write(report), $"{RunReportCsv.ContentType}; charset=utf-8");
    }

    private static async Task<IResult> UsersAsync(Guid id, string? status, RunReportQuery query, CancellationToken ct)
    {
        UserStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!StatusNames.TryParse<UserStatus>(status, out var parsed))
                return ApiProblems.BadRequest($"Unknown user status; use one of: {string.Join(", ", StatusNames.All<UserStatus>())}.");
            filter = parsed;
        }
        return await query.UsersAsync(id, filter, ct) is { } users ? TypedResults.Ok(new UserList(id, users)) : ApiProblems.RunNotFound(id);
    }
}

/// <summary>The runs list: the runs, and per source they name its chain of syncs (finished syncs, the last one, the lag in seconds).</summary>
public sealed record RunList(IReadOnlyList<RunSummary> Runs, IReadOnlyList<SourceLag> Sources);

public sealed record UserList(Guid RunId, IReadOnlyList<UserLine> Users);

/// <summary>A run at a glance: status, totals, progress (rate, ETA) and what a rerun would do.</summary>
public sealed record RunStatusView(
    Guid RunId, RunStatus Status, string? StatusReason, bool DryRun, string StartedVia, string? RequestedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, UserTotals Users, ItemTotals Items, long ZepRequests,
    ProgressView Progress, RerunPlan Rerun, string Report)
{
    public static RunStatusView Of(RunReport r) => new(r.RunId, r.Status, r.StatusReason, r.DryRun, r.StartedVia, r.RequestedBy,
        r.CreatedAt, r.FinishedAt, r.Users, r.Items, r.ZepRequests, ProgressView.Of(r.Progress), r.Rerun, RunLinks.Run(r.RunId) + "/report");
}

public sealed record ProgressView(double Percent, int ItemsSettled, int ItemsTotal, int UsersSettled, int UsersTotal,
    double ElapsedSeconds, double ItemsPerSecond, double? EtaSeconds)
{
    public static ProgressView Of(RunProgressFigures p) =>
        new(p.Percent, p.ItemsSettled, p.ItemsTotal, p.UsersSettled, p.UsersTotal, p.ElapsedSeconds, p.ItemsPerSecond, p.EtaSeconds);
}
