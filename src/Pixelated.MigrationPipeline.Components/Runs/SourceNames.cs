using System.Text.RegularExpressions;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// The name of the mem0 source a run syncs. Given (<c>--source</c>), it is used as it is; otherwise it is the first export's
/// file name without its extension and a trailing date or number stamp, so <c>clinic-2026-12-01.json</c> and
/// <c>clinic-2026-12-08.json</c> are two syncs of <c>clinic</c>.
/// </summary>
public static partial class SourceNames
{
    public const int MaxLength = 300;

    public static string Of(string? given, IReadOnlyList<string> files)
    {
        if (!string.IsNullOrWhiteSpace(given)) return Bounded(given.Trim());
        if (files.Count == 0) return "export";
        var path = files[0].TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var name = Path.GetFileName(path);
        while (Path.HasExtension(name) && !Directory.Exists(path)) name = Path.GetFileNameWithoutExtension(name);
        var stem = Stamp().Replace(name, "");
        return Bounded(stem.Length > 0 ? stem : name);
    }

    private static string Bounded(string name) => name.Length <= MaxLength ? name : name[..MaxLength];

    /// <summary>A trailing stamp: separators, then digits with date and time punctuation (<c>-2026-12-08</c>, <c>_20261208T0100Z</c>, <c>.3</c>).</summary>
    [GeneratedRegex(@"[-_. ]*\d[\dTZtz:\-_.]*$")]
    private static partial Regex Stamp();
}
