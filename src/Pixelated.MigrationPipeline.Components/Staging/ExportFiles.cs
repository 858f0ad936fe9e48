namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>Expands the paths given to a run (files and folders) into the export files to read, in a stable order.</summary>
public static class ExportFiles
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
                files.AddRange(Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal));
            else
                files.Add(full);
        }
        return files.Distinct(StringComparer.Ordinal).ToList();
    }
}
