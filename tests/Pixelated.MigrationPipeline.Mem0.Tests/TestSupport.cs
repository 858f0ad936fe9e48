using System.Text;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}

/// <summary>A temp file deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string name = "export.json")
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mem0-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, name);
    }

    public string Directory { get; }

    public string Path { get; }

    public static TempFile WithText(string text, bool bom = false)
    {
        var file = new TempFile();
        File.WriteAllText(file.Path, text, new UTF8Encoding(bom));
        return file;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Read
{
    /// <summary>Before every expiration_date in the fixtures (latest: 2026-07-01).</summary>
    public static readonly DateTimeOffset EarlyNow = new(2026, 6, 15, 0, 0, 0, TimeSpan.Zero);

    public static async Task<List<ReadOutcome>> AllAsync(string path, DateTimeOffset? now = null)
    {
        var reader = new Mem0ExportReader(new FixedClock(now ?? EarlyNow));
        var list = new List<ReadOutcome>();
        await foreach (var outcome in reader.ReadAsync(path))
        {
            list.Add(outcome);
        }

        return list;
    }

    public static List<SourceItem> Items(this IEnumerable<ReadOutcome> outcomes) =>
        outcomes.OfType<ItemRead>().Select(i => i.Item).ToList();

    public static List<RecordFailed> Failures(this IEnumerable<ReadOutcome> outcomes) =>
        outcomes.OfType<RecordFailed>().ToList();

    public static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
