using Microsoft.AspNetCore.Http.HttpResults;
using Pixelated.MigrationPipeline.Api.Uploads;

namespace Pixelated.MigrationPipeline.Api.Endpoints;

/// <summary>Reads a start request: a multipart upload (files + option fields), or JSON naming a path inside the drop folder.</summary>
public sealed class StartRequestReader(UploadStore uploads, DropFolder drop)
{
    public async Task<StartInput> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var request = http.Request;
        if (request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            return await FromUploadAsync(http, ct);
        if (request.HasJsonContentType())
            return await FromJsonAsync(http, ct);
        return StartInput.Refused(JsonBody.UnsupportedMediaType(
            "Send multipart/form-data with export files, or application/json with a 'path' inside the drop folder."));
    }

    private async Task<StartInput> FromUploadAsync(HttpContext http, CancellationToken ct)
    {
        var upload = await uploads.SaveAsync(http, ct);
        if (upload.Problem is not null) return StartInput.Refused(upload.Problem);
        var (options, errors) = StartMigrationRequest.FromForm(upload.Fields);
        if (options is not null) errors = options.Validate();
        if (errors.Count > 0 || options is null)
        {
            if (Directory.Exists(upload.Folder)) Directory.Delete(upload.Folder, recursive: true);
            return StartInput.Refused(TypedResults.ValidationProblem(errors));
        }
        if (upload.Files.Count > 0)
            return new StartInput(upload.Files, options, options.AuditDetail($"upload: {upload.Files.Count} file(s), {upload.Bytes} bytes"), null);
        if (options.Path is not null) return FromPath(options);
        return StartInput.Refused(ApiProblems.BadRequest("The upload holds no file: send one or more export files as multipart form-data parts with a file name."));
    }

    private async Task<StartInput> FromJsonAsync(HttpContext http, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<StartMigrationRequest>(http, optional: false, ct);
        if (problem is not null) return StartInput.Refused(problem);
        var errors = body!.Validate();
        return errors.Count > 0 ? StartInput.Refused(TypedResults.ValidationProblem(errors)) : FromPath(body);
    }

    private StartInput FromPath(StartMigrationRequest options)
    {
        var check = drop.Resolve(options.Path);
        return check.FullPath is { } path
            ? new StartInput([path], options, options.AuditDetail("path in the drop folder"), null)
            : StartInput.Refused(ApiProblems.Create(check.Status, check.Status == 404 ? "Not found" : "Bad request", check.Problem!));
    }
}

/// <summary>The files and options of a run to start, or the problem that refused the request.</summary>
public sealed record StartInput(IReadOnlyList<string> Paths, StartMigrationRequest Options, string AuditDetail, IResult? Problem)
{
    public static StartInput Refused(IResult problem) => new([], new StartMigrationRequest(), "refused: " + Why(problem), problem);

    /// <summary>The problem's own words (they never repeat paths, names or values) or the invalid fields' names.</summary>
    private static string Why(IResult problem) => problem switch
    {
        ValidationProblem v => "invalid " + string.Join(", ", v.ProblemDetails.Errors.Keys),
        ProblemHttpResult p => p.ProblemDetails.Detail ?? p.ProblemDetails.Title ?? "problem",
        _ => "problem",
    };
}
