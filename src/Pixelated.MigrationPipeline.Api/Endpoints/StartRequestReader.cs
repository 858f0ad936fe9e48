using Microsoft.AspNetCore.Http.HttpResults;
using Pixelated.MigrationPipeline.Api.Uploads;
using Pixelated.MigrationPipeline.Components.Users;

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
        {
            var (usersFile, refused) = CheckUsersFile(options);
            if (refused is not null)
            {
                if (Directory.Exists(upload.Folder)) Directory.Delete(upload.Folder, recursive: true);
                return StartInput.Refused(refused);
            }
            return new StartInput(upload.Files, options, options.AuditDetail($"upload: {upload.Files.Count} file(s), {upload.Bytes} bytes"), null, usersFile);
        }
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
        if (check.FullPath is not { } path)
            return StartInput.Refused(ApiProblems.Create(check.Status, check.Status == 404 ? "Not found" : "Bad request", check.Problem!));
        var (usersFile, refused) = CheckUsersFile(options);
        return refused is not null
            ? StartInput.Refused(refused)
            : new StartInput([path], options, options.AuditDetail("path in the drop folder"), null, usersFile);
    }

    /// <summary>
    /// The users file's real path: inside the drop folder (confined like an export path) and readable as a users file.
    /// Anything else is a 400 naming <c>usersFile</c>, before the run starts; the file's bad rows are not (they are failed
    /// items of the run). Messages name the file by its name only, never a value of it.
    /// </summary>
    private (string? Path, IResult? Problem) CheckUsersFile(StartMigrationRequest options)
    {
        if (string.IsNullOrWhiteSpace(options.UsersFile)) return (null, null);
        var check = drop.Resolve(options.UsersFile, "usersFile");
        if (check.FullPath is not { } path) return (null, UsersFileProblem(check.Problem!));
        if (!File.Exists(path)) return (null, UsersFileProblem("'usersFile' must name a file (.csv or .json), not a folder."));
        try
        {
            UsersFileReader.Read(path);
            return (path, null);
        }
        catch (UsersFileException e)
        {
            return (null, UsersFileProblem(e.Message));
        }
    }

    private static IResult UsersFileProblem(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["usersFile"] = [message] });
}

/// <summary>The files and options of a run to start, or the problem that refused the request.</summary>
/// <param name="UsersFile">The users file's real path inside the drop folder; null for none.</param>
public sealed record StartInput(IReadOnlyList<string> Paths, StartMigrationRequest Options, string AuditDetail, IResult? Problem, string? UsersFile = null)
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
