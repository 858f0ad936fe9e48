using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

public class FormatDetectionTests
{
    [Theory]
    [InlineData("v3_get_all_page1.json", ExportFormat.PlatformV3Page)]
    [InlineData("v3_get_all__docs_migration_platform_v2_to_v3.json", ExportFormat.PlatformV3Page)]
    [InlineData("v2_get_all_plain_list__docs_2025_03.json", ExportFormat.PlatformLegacyList)]
    [InlineData("v1_get_all_paginated__docs_langchain_tools.json", ExportFormat.PlatformLegacyList)]
    [InlineData("v2_get_all_paginated__docs_2025_03.json", ExportFormat.PlatformLegacyList)]
    [InlineData("v1_get_all_paginated_categories__docs_2025_03.json", ExportFormat.PlatformLegacyList)]
    [InlineData("v1_1_get_all_nested_results__docs_2025_03.json", ExportFormat.PlatformLegacyList)]
    [InlineData("v1_search_results__docs_langchain_tools.json", ExportFormat.PlatformSdkResults)]
    [InlineData("history__docs_2025_03.json", ExportFormat.PlatformHistory)]
    [InlineData("history__constructed.json", ExportFormat.PlatformHistory)]
    [InlineData("memories_events_page__constructed.json", ExportFormat.PlatformHistory)]
    [InlineData("python_get_all_2x.json", ExportFormat.OssPythonGetAll)]
    [InlineData("python_get_all_1x_graph.json", ExportFormat.OssPythonGetAll)]
    [InlineData("python_get_all_0x_v1_0_plain_list.json", ExportFormat.OssPythonList)]
    public async Task Sample_export_is_detected_as_its_format(string fixture, ExportFormat expected)
    {
        Assert.Equal(expected, await Mem0FormatDetector.DetectAsync(Fixture.Path(fixture)));
    }

    [Theory]
    [InlineData("", ExportFormat.Unknown)]
    [InlineData("   \n", ExportFormat.Unknown)]
    [InlineData("not json at all", ExportFormat.Unknown)]
    [InlineData("42", ExportFormat.Unknown)]
    [InlineData("[1, 2]", ExportFormat.Unknown)]
    [InlineData("[]", ExportFormat.PlatformLegacyList)]
    [InlineData("{\"results\": []}", ExportFormat.OssPythonGetAll)]
    [InlineData("{\"count\": 0, \"next\": null, \"previous\": null, \"results\": []}", ExportFormat.PlatformV3Page)]
    [InlineData("{\"results\": [{\"id\": \"a\", \"memory\": \"m\", \"user_id\": \"u\", \"categories\": null, \"created_at\": \"2026-01-01\"}]}", ExportFormat.PlatformSdkResults)]
    public async Task Small_inputs_are_classified_without_guessing(string text, ExportFormat expected)
    {
        using var file = TempFile.WithText(text);
        Assert.Equal(expected, await Mem0FormatDetector.DetectAsync(file.Path));
    }

    [Fact]
    public async Task Bom_prefixed_page_is_still_detected()
    {
        using var file = TempFile.WithText(File.ReadAllText(Fixture.Path("v3_get_all_page1.json")), bom: true);
        Assert.Equal(ExportFormat.PlatformV3Page, await Mem0FormatDetector.DetectAsync(file.Path));
    }

    [Fact]
    public async Task Detection_of_a_large_file_decides_from_the_first_record_without_reading_to_the_end()
    {
        // The file is broken far beyond the sniff window: detection must not notice (it reads 64 KB only).
        using var file = new TempFile();
        await using (var w = new StreamWriter(file.Path))
        {
            await w.WriteAsync("{\"count\": 5000, \"next\": null, \"previous\": null, \"results\": [");
            for (var i = 0; i < 5000; i++)
            {
                await w.WriteAsync($"{(i == 0 ? "" : ",")}{{\"id\": \"m{i}\", \"memory\": \"fact {i}\", \"user_id\": \"u\", \"created_at\": \"2026-01-01T00:00:00Z\"}}");
            }

            await w.WriteAsync(", !!!");
        }

        Assert.True(new FileInfo(file.Path).Length > 128 * 1024);
        Assert.Equal(ExportFormat.PlatformV3Page, await Mem0FormatDetector.DetectAsync(file.Path));
    }
}
