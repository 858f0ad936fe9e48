using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Pixelated.MigrationPipeline.Api.Endpoints;
using Pixelated.MigrationPipeline.Api.Options;

namespace Pixelated.MigrationPipeline.Api.Uploads;

/// <summary>
/// Streams a multipart upload into a folder of its own under the drop folder's <c>uploads/</c> (never buffering a file in
/// memory), enforcing <c>Api:Uploads</c> limits; form fields are returned for the start options. On any refusal the
/// partly written folder is deleted.
/// </summary>
public sealed class UploadStore(DropFolder drop, IOptions<ApiOptions> options, TimeProvider clock)
{
    private const int MaxFieldChars = 64 * 1024;
    private const int MaxFields = 1_000;

    public async Task<UploadResult> SaveAsync(HttpContext http, CancellationToken ct)
    {
        var limits = options.Value.Uploads;
        var request = http.Request;
        if (request.ContentLength > limits.MaxRequestBytes) return UploadResult.Refused(TooLarge($"The upload is larger than {limits.MaxRequestBytes} bytes."));
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit) bodyLimit.MaxRequestBodySize = limits.MaxRequestBytes;

        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return UploadResult.Refused(ApiProblems.BadRequest("The multipart body has no boundary."));

        var folder = Path.Combine(drop.Uploads, $"{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid():N}");
        var result = new UploadResult(folder);
        try
        {
            var problem = await ReadSectionsAsync(new MultipartReader(boundary, request.Body) { BodyLengthLimit = null }, result, limits, ct);
            if (problem is null && result.Files.Count > 0) return result;
            DeleteFolder(folder);
            return problem is null ? result : UploadResult.Refused(problem);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            DeleteFolder(folder);
            return UploadResult.Refused(TooLarge($"The upload is larger than {limits.MaxRequestBytes} bytes."));
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            DeleteFolder(folder);
            return UploadResult.Refused(ApiProblems.BadRequest("The multipart body is malformed or was cut short."));
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    private static async Task<IResult?> ReadSectionsAsync(MultipartReader reader, UploadResult result, UploadOptions limits, CancellationToken ct)
    {
        var fields = 0;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
            if (disposition.IsFileDisposition())
            {
                if (result.Files.Count == limits.MaxFiles) return TooLarge($"An upload holds at most {limits.MaxFiles} files.");
                var index = result.Files.Count + 1;
                var name = FileNames.Sanitise(disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : disposition.FileName.Value, index);
                Directory.CreateDirectory(result.Folder);
                var path = Path.Combine(result.Folder, name);
                var written = await CopyAsync(section.Body, path, limits.MaxFileBytes, limits.MaxRequestBytes - result.Bytes, ct);
                if (written < 0) return TooLarge($"A file is larger than {limits.MaxFileBytes} bytes, or the upload larger than {limits.MaxRequestBytes}.");
                if (written == 0) return ApiProblems.BadRequest($"File {index} of the upload is empty.");
                result.Files.Add(path);
                result.Bytes += written;
            }
            else if (disposition.IsFormDisposition())
            {
                if (++fields > MaxFields) return ApiProblems.BadRequest("Too many form fields.");
                var value = await ReadFieldAsync(section.Body, ct);
                if (value is null) return ApiProblems.BadRequest($"A form field is longer than {MaxFieldChars} characters.");
                var key = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!result.Fields.TryGetValue(key, out var list)) result.Fields[key] = list = [];
                list.Add(value);
            }
        }
        return null;
    }

    /// <summary>Bytes written, or -1 once a limit is passed.</summary>
    private static async Task<long> CopyAsync(Stream source, string path, long maxFile, long remaining, CancellationToken ct)
    {
        var limit = Math.Min(maxFile, remaining);
        var buffer = new byte[81920];
        long total = 0;
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > limit) return -1;
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return total;
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[MaxFieldChars + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
        return length > MaxFieldChars ? null : new string(buffer, 0, length);
    }

    private static IResult TooLarge(string detail) => ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "Upload too large", detail);

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

/// <summary>The stored files of one upload and its form fields, or the problem that refused it.</summary>
public sealed class UploadResult(string folder)
{
    public string Folder { get; } = folder;
    public List<string> Files { get; } = [];
    public long Bytes { get; set; }
    public Dictionary<string, List<string>> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);
    public IResult? Problem { get; private init; }

    public static UploadResult Refused(IResult problem) => new("") { Problem = problem };
}
