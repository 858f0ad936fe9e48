using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components;
using Pixelated.MigrationPipeline.Components.Staging;

namespace Pixelated.MigrationPipeline.Api.Uploads;

/// <summary>
/// <c>Pipeline:DropFolder</c> (or <c>./drop</c> when unset): where uploads are stored (<c>uploads/</c>) and the only place
/// a run started by path may read from. Paths are checked after resolving <c>..</c> and every symbolic link.
/// </summary>
public sealed partial class DropFolder
{
    public const string DefaultFolder = "drop";

    public DropFolder(IOptions<PipelineOptions> options)
    {
        var configured = string.IsNullOrWhiteSpace(options.Value.DropFolder) ? DefaultFolder : options.Value.DropFolder;
        Directory.CreateDirectory(configured);
        Root = RealPath.Of(configured);
        Uploads = Path.Combine(Root, "uploads");
    }

    /// <summary>The drop folder's full path, symbolic links resolved.</summary>
    public string Root { get; }

    public string Uploads { get; }

    /// <summary>The real path of a file or folder named relative to (or absolutely inside) the drop folder.</summary>
    /// <param name="field">The request field that named the path, as the messages name it (<c>path</c>, <c>usersFile</c>).</param>
    /// <remarks>Messages never repeat the path: file names may carry names of people.</remarks>
    public PathCheck Resolve(string? requested, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(requested)) return PathCheck.Invalid($"'{field}' is required: a file or folder inside the drop folder.");
        if (requested.Any(char.IsControl)) return PathCheck.Invalid($"'{field}' contains control characters.");
        if (EncodedSeparator().IsMatch(requested))
            return PathCheck.Invalid($"'{field}' contains percent-encoded dots or slashes; send the path as plain text.");

        var lexical = Path.GetFullPath(Path.IsPathRooted(requested) ? requested : Path.Combine(Root, requested));
        if (!RealPath.IsBelow(lexical, Root)) return PathCheck.Invalid($"'{field}' must name a file or folder inside the drop folder.");
        string real;
        try { real = RealPath.Of(lexical); }
        catch (IOException) { return PathCheck.Invalid($"'{field}' could not be resolved (a loop of symbolic links?)."); }
        if (!RealPath.IsBelow(real, Root)) return PathCheck.Invalid($"'{field}' leads outside the drop folder (through a symbolic link).");
        if (!File.Exists(real) && !Directory.Exists(real)) return PathCheck.Missing(field);
        return PathCheck.Ok(real);
    }

    [GeneratedRegex("%(2e|2f|5c|00)", RegexOptions.IgnoreCase)]
    private static partial Regex EncodedSeparator();
}

/// <summary>The outcome of <see cref="DropFolder.Resolve"/>: a real path, or why not (400 invalid, 404 missing).</summary>
public sealed record PathCheck(string? FullPath, int Status, string? Problem)
{
    public static PathCheck Ok(string path) => new(path, StatusCodes.Status200OK, null);
    public static PathCheck Invalid(string problem) => new(null, StatusCodes.Status400BadRequest, problem);
    public static PathCheck Missing(string field = "path") => new(null, StatusCodes.Status404NotFound, $"No file or folder exists at '{field}' inside the drop folder.");
}
