using System.Text;

namespace Pixelated.MigrationPipeline.Api.Uploads;

/// <summary>Safe names for uploaded files: no folders, no leading dots, only letters, digits, <c>. _ -</c>; the extension kept (format detection reads it).</summary>
public static class FileNames
{
    private const int MaxLength = 120;

    /// <summary>The stored name of the <paramref name="index"/>th file (1-based), prefixed by its number so names never collide.</summary>
    public static string Sanitise(string? uploaded, int index)
    {
        var name = (uploaded ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var safe = new StringBuilder(name.Length);
        foreach (var c in name) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        var cleaned = safe.ToString().TrimStart('.', '_', '-');
        while (cleaned.Contains("..", StringComparison.Ordinal)) cleaned = cleaned.Replace("..", ".", StringComparison.Ordinal);
        if (cleaned.Length == 0) cleaned = "export";
        if (cleaned.Length > MaxLength)
        {
            var dot = cleaned.IndexOf('.');
            var extension = dot > 0 && cleaned.Length - dot <= 20 ? cleaned[dot..] : "";
            cleaned = cleaned[..(MaxLength - extension.Length)] + extension;
        }
        return $"{index:D3}-{cleaned}";
    }
}
