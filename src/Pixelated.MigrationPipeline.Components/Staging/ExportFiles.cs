namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// What a run may open. <paramref name="Root"/>: the real path every file must resolve inside (the drop folder), or null
/// for a CLI run on local paths. <paramref name="MaxFiles"/> and <paramref name="MaxDepth"/> bound a folder's walk.
/// </summary>
public sealed record ExportFileRules(string? Root, int MaxFiles = ExportFileRules.DefaultMaxFiles, int MaxDepth = ExportFileRules.DefaultMaxDepth)
{
    public const int DefaultMaxFiles = 10_000;
    public const int DefaultMaxDepth = 32;

    public static ExportFileRules Local { get; } = new((string?)null);

    /// <summary>
    /// Real paths of files that belong to the run but are not exports (its users file): skipped by the walk, neither read
    /// nor refused, so a users file inside an export folder is not read as an export.
    /// </summary>
    public IReadOnlySet<string> NotExports { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>These rules, with the real path of <paramref name="usersFile"/> (if any) not read as an export.</summary>
    public ExportFileRules WithUsersFile(string? usersFile)
    {
        if (string.IsNullOrEmpty(usersFile)) return this;
        string real;
        try { real = RealPath.Of(usersFile); }
        catch (IOException) { return this; }
        return this with { NotExports = new HashSet<string>(NotExports, StringComparer.Ordinal) { real } };
    }
}

/// <summary>
/// One entry of a run's expansion: a regular file to read (<see cref="Path"/> is its real path), or an entry refused
/// unopened with the reason (<see cref="Refusal"/>). <see cref="Name"/> is what reports show: the entry's name.
/// </summary>
public sealed record ExportFile(string Path, string Name, string? Refusal)
{
    public bool Readable => Refusal is null;
}

/// <summary>
/// Expands the paths given to a run (files and folders) into the export files to read, in a stable order. Nothing is
/// opened here: every entry is resolved to its real path (all symbolic links followed) and checked with <c>stat</c>.
/// <list type="bullet">
/// <item>Only regular files are read; FIFOs, sockets and devices are refused (a FIFO would block the reader forever).</item>
/// <item>With a root (the drop folder), an entry whose real path lies outside it is refused: a link leading out is never followed.</item>
/// <item>Links inside the root are followed; a folder already walked (a link loop, or a second link to it) is not walked again.</item>
/// <item>The walk stops at <see cref="ExportFileRules.MaxDepth"/> folder levels and <see cref="ExportFileRules.MaxFiles"/> files; what lies beyond is one refused entry.</item>
/// </list>
/// </summary>
public static class ExportFiles
{
    /// <summary>The readable files only (the CLI's <c>inspect</c>: local paths, no root).</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, string? usersFile = null) =>
        Walk(paths, ExportFileRules.Local.WithUsersFile(usersFile)).Where(f => f.Readable).Select(f => f.Path).ToList();

    public static IReadOnlyList<ExportFile> Walk(IEnumerable<string> paths, ExportFileRules rules, CancellationToken ct = default)
    {
        var walk = new Walker(rules, ct);
        foreach (var path in paths)
        {
            if (walk.Full) break;
            var full = System.IO.Path.GetFullPath(path);
            walk.Visit(full, System.IO.Path.GetFileName(full.TrimEnd(System.IO.Path.DirectorySeparatorChar)), 0);
        }
        return walk.Result;
    }

    private sealed class Walker(ExportFileRules rules, CancellationToken ct)
    {
        private readonly HashSet<string> _folders = new(StringComparer.Ordinal);
        private readonly HashSet<string> _files = new(StringComparer.Ordinal);
        private int _readable;
        private bool _truncated;

        public List<ExportFile> Result { get; } = [];

        public bool Full => _truncated;

        public void Visit(string path, string name, int depth)
        {
            ct.ThrowIfCancellationRequested();
            if (_truncated) return;
            string real;
            try { real = RealPath.Of(path); }
            catch (IOException) { Refuse(path, name, "a loop of symbolic links; not read"); return; }
            catch (UnauthorizedAccessException) { Refuse(path, name, "cannot be resolved: access denied; not read"); return; }

            if (rules.Root is { } root && !RealPath.IsBelow(real, root))
            {
                Refuse(path, name, "leads outside the drop folder (through a symbolic link); not read");
                return;
            }

            switch (FileKind.Of(real))
            {
                case FileKind.Kind.Missing:
                    Refuse(path, name, IsLink(path) ? "a symbolic link to nothing; not read" : "file not found");
                    return;
                case FileKind.Kind.Other:
                    Refuse(path, name, "not a regular file (a FIFO, socket or device); not opened");
                    return;
                case FileKind.Kind.Directory:
                    VisitFolder(path, real, name, depth);
                    return;
                default:
                    if (rules.NotExports.Contains(real)) return; // the run's users file, read as such
                    if (!_files.Add(real)) return; // the same file reached twice (two links, or given twice): read once
                    if (_readable >= rules.MaxFiles)
                    {
                        Refuse(path, name, $"the run holds more than {rules.MaxFiles} files (Pipeline:MaxFilesPerRun); this file and the rest not read");
                        _truncated = true;
                        return;
                    }
                    _readable++;
                    Result.Add(new ExportFile(real, name, null));
                    return;
            }
        }

        private void VisitFolder(string path, string real, string name, int depth)
        {
            if (!_folders.Add(real))
            {
                // Reached again through a symbolic link: a loop (or a second link to a folder already read).
                if (IsLink(path)) Refuse(path, name, "a symbolic link to a folder already read (a loop?); not read again");
                return;
            }
            if (depth >= rules.MaxDepth)
            {
                Refuse(path, name, $"folder nested more than {rules.MaxDepth} levels deep (Pipeline:MaxFolderDepth); not read");
                return;
            }
            IEnumerable<string> entries;
            try
            {
                entries = new DirectoryInfo(real).EnumerateFileSystemInfos("*", new EnumerationOptions
                    {
                        RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false,
                    })
                    .Select(e => e.Name)
                    .Where(n => !n.StartsWith('.'))
                    .Order(StringComparer.Ordinal)
                    .ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Refuse(path, name, "folder cannot be listed; not read");
                return;
            }
            foreach (var entry in entries)
            {
                if (_truncated) return;
                Visit(System.IO.Path.Combine(real, entry), $"{name}/{entry}", depth + 1);
            }
        }

        private void Refuse(string path, string name, string reason) => Result.Add(new ExportFile(path, name, reason));

        private static bool IsLink(string path)
        {
            try { return new FileInfo(path).LinkTarget is not null; }
            catch (IOException) { return false; }
        }
    }
}
