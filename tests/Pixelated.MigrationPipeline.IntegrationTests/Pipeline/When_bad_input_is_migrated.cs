using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// The whole bad-input corpus (truncated JSON, wrong types, bombs, unknown formats...) through a full one-process migration:
/// the run ends with errors, never crashes, and the ledger accounts for every record read.
/// </summary>
public sealed class When_bad_input_is_migrated(ITestOutputHelper output) : IDisposable
{
    private readonly CliProcess _cli = new();
    private static readonly Dictionary<string, string?> NoZepKey = new() { ["ZEP_API_KEY"] = null };
    private static string Corpus => Path.Combine(AppContext.BaseDirectory, "BadInput");

    [Fact]
    public async Task Every_record_ends_migrated_skipped_or_failed_with_a_reason_and_nothing_leaks()
    {
        var files = ExportFiles.Expand([Corpus]);
        Assert.True(files.Count >= 30, $"the corpus has {files.Count} files");
        var read = await DistinctRecordsAsync(files);

        var migrate = await _cli.RunAsync(NoZepKey, "migrate", Corpus, "--json");
        output.WriteLine(migrate.Output + migrate.Error);
        var runId = migrate.Json.GetProperty("runId").GetString()!;
        var report = await _cli.RunAsync(NoZepKey, "report", "--run", runId, "--format", "json");

        Assert.Equal(3, migrate.ExitCode);
        Assert.Equal("completed_with_errors", migrate.Json.GetProperty("status").GetString());
        var items = migrate.Json.GetProperty("items");
        var (total, migrated, skipped, failed) = (items.GetProperty("total").GetInt32(), items.GetProperty("migrated").GetInt32(),
            items.GetProperty("skipped").GetInt32(), items.GetProperty("failed").GetInt32());
        Assert.Equal(read, total);
        Assert.Equal(total, migrated + skipped + failed);
        Assert.True(migrated > 0, "the valid records of bad files still migrate");
        Assert.True(failed >= 30, $"only {failed} failed records");

        var problems = report.Json.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(failed + skipped, problems.Count);
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("reason").GetString())));
        Assert.All(problems.Where(p => p.GetProperty("status").GetString() == "failed"),
            p => Assert.Contains(p.GetProperty("file").GetString()!.Split('!')[0], p.GetProperty("reason").GetString()!));

        var everything = migrate.Output + migrate.Error + report.Output + report.Error;
        foreach (var secret in new[] { "SECRET", "zoe@example.com" }) Assert.DoesNotContain(secret, everything);
    }

    /// <summary>What the readers yield, counted as the ledger counts it: one row per distinct item or unreadable record.</summary>
    private static async Task<int> DistinctRecordsAsync(IReadOnlyList<string> files)
    {
        var keys = new HashSet<(string, string)>();
        var reader = new Mem0ExportReader();
        foreach (var file in files)
        {
            await foreach (var outcome in reader.ReadAsync(file))
            {
                keys.Add(StagedItemFactory.IdentityOf(outcome switch
                {
                    ItemRead i => StagedItemFactory.FromItem(Guid.Empty, i.Item, includeInactive: false),
                    RecordFailed f => StagedItemFactory.FromFailure(Guid.Empty, f),
                    _ => throw new InvalidOperationException(),
                }));
            }
        }
        return keys.Count;
    }

    public void Dispose() => _cli.Dispose();
}
