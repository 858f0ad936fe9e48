namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>A path with every symbolic link along it resolved (like POSIX <c>realpath</c>), so a link cannot lead out of a folder unseen.</summary>
public static class RealPath
{
    private const int MaxLinks = 40;

    public static string Of(string fullPath) => Resolve(Path.GetFullPath(fullPath), 0);

    private static string Resolve(string fullPath, int depth)
    {
        if (depth > MaxLinks) throw new IOException("too many levels of symbolic links");
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            // FileInfo reads the entry itself (lstat), whether it is a file, a folder or a link to either.
            current = new FileInfo(next).LinkTarget is { } target
                ? Resolve(Path.GetFullPath(target, current), depth + 1)
                : next;
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> lies strictly below <paramref name="folder"/> (both full, resolved paths).</summary>
    public static bool IsBelow(string path, string folder) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
