using System.Security.Cryptography;
using Pixelated.MigrationPipeline.Mem0.Model;
using Pixelated.MigrationPipeline.SyntheticExports;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class SyntheticExportTests
{
    private static async Task<string> HashAsync(string path)
    {
        await using var s = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(s));
    }

    [Fact]
    public async Task Same_seed_gives_a_byte_identical_file_and_another_seed_a_different_one()
    {
        using var a = new TempFile("a.json");
        using var b = new TempFile("b.json");
        using var c = new TempFile("c.json");
        var options = new SyntheticExportOptions { Seed = 42, Users = 7, MemoriesPerUser = 40, LongMemoryEvery = 25, UnicodeShare = 0.5 };

        await SyntheticExportGenerator.WritePlatformV3Async(a.Path, options, default);
        await SyntheticExportGenerator.WritePlatformV3Async(b.Path, options, default);
        await SyntheticExportGenerator.WritePlatformV3Async(c.Path, options with { Seed = 43 }, default);

        Assert.Equal(await HashAsync(a.Path), await HashAsync(b.Path));
        Assert.NotEqual(await HashAsync(a.Path), await HashAsync(c.Path));

        using var h1 = new TempFile("h1.json");
        using var h2 = new TempFile("h2.json");
        await SyntheticExportGenerator.WritePlatformHistoryAsync(h1.Path, options, default);
        await SyntheticExportGenerator.WritePlatformHistoryAsync(h2.Path, options, default);
        Assert.Equal(await HashAsync(h1.Path), await HashAsync(h2.Path));
    }

    [Fact]
    public async Task Twenty_megabyte_v3_export_is_read_back_completely()
    {
        using var file = new TempFile("synthetic-v3.json");
        var options = new SyntheticExportOptions { Seed = 7, Users = 50, MemoriesPerUser = int.MaxValue / 100, TargetBytes = 20L * 1024 * 1024, LongMemoryEvery = 500, UnicodeShare = 0.3 };

        var result = await SyntheticExportGenerator.WritePlatformV3Async(file.Path, options, default);

        Assert.InRange(result.Bytes, 20L * 1024 * 1024, 21L * 1024 * 1024);
        Assert.Equal(ExportFormat.PlatformV3Page, await Mem0FormatDetector.DetectAsync(file.Path));
        long items = 0, longOnes = 0, unicode = 0;
        var users = new HashSet<string>();
        await foreach (var outcome in new Mem0ExportReader(new FixedClock(Read.EarlyNow)).ReadAsync(file.Path))
        {
            var item = Assert.IsType<ItemRead>(outcome).Item;
            items++;
            users.Add(item.UserId);
            longOnes += item.Content.Length >= 12_000 ? 1 : 0;
            unicode += item.Content.Any(ch => ch > 127) ? 1 : 0;
        }

        Assert.Equal(result.Items, items);
        Assert.Equal(50, users.Count);
        Assert.Equal(result.Records / 500, longOnes);
        Assert.True(unicode > 0);
    }

    [Fact]
    public async Task History_export_yields_the_reported_messages_and_deleted_memories_with_therapy_roles()
    {
        using var file = new TempFile("synthetic-history.json");
        var result = await SyntheticExportGenerator.WritePlatformHistoryAsync(file.Path, new SyntheticExportOptions { Seed = 3, Users = 4, MemoriesPerUser = 60 }, default);

        var outcomes = await Read.AllAsync(file.Path);

        Assert.Empty(outcomes.Failures());
        var items = outcomes.Items();
        Assert.Equal(result.Items, items.Count);
        Assert.Equal(["ai_therapist", "assistant", "system", "therapist", "user"], items.Where(i => i.Role is not null).Select(i => i.Role!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(240 / 50, items.Count(i => i.InactiveReason == "deleted"));
    }
}
