using System.Text.Json;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Mem0.Tests;

/// <summary>Every sample of /work/shared/reference/mem0 (copied to Fixtures): detected format, exact items per user, failures, inactive reasons.</summary>
public class SampleFileTests
{
    internal static async Task<List<ReadOutcome>> ReadWith(string fixture, string? fallbackUser)
    {
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = fallbackUser }, new FixedClock(Read.EarlyNow));
        var list = new List<ReadOutcome>();
        await foreach (var o in reader.ReadAsync(Fixture.Path(fixture)))
        {
            list.Add(o);
        }

        return list;
    }

    [Theory]
    // Platform
    [InlineData("v3_get_all_page1.json", ExportFormat.PlatformV3Page, null, "alice:5/0", 0, "")]
    [InlineData("v3_get_all__docs_migration_platform_v2_to_v3.json", ExportFormat.PlatformV3Page, null, "", 1, "")]
    [InlineData("v3_get_all_page1__js_sdk_camelcase.json", ExportFormat.PlatformJsSdkDump, null, "alice:5/0", 0, "")]
    [InlineData("v1_get_all_paginated__docs_langchain_tools.json", ExportFormat.PlatformLegacyList, null, "alex:3/0", 0, "")]
    [InlineData("v1_search_results__docs_langchain_tools.json", ExportFormat.PlatformSdkResults, null, "alex:1/0", 0, "")]
    [InlineData("v1_get_all_paginated_categories__docs_2025_03.json", ExportFormat.PlatformLegacyList, null, "alex123:2/0", 0, "")]
    [InlineData("v2_get_all_plain_list__docs_2025_03.json", ExportFormat.PlatformLegacyList, null, "alex:1/0", 0, "")]
    [InlineData("v2_get_all_paginated__docs_2025_03.json", ExportFormat.PlatformLegacyList, null, "alex:1/0", 0, "")]
    [InlineData("v1_1_get_all_nested_results__docs_2025_03.json", ExportFormat.PlatformLegacyList, null, "", 2, "")]
    [InlineData("get_memory__issue_3213.json", ExportFormat.SingleMemory, null, "user_reducted:1/0", 0, "")]
    [InlineData("get_memory__docs_custom_categories_2026.json", ExportFormat.SingleMemory, null, "alice:1/0", 0, "")]
    [InlineData("history__docs_2025_03.json", ExportFormat.PlatformHistory, null, "alex123456:0/2", 0, "")]
    [InlineData("history__constructed.json", ExportFormat.PlatformHistory, null, "alice:1/4", 0, "deleted=1")]
    [InlineData("memories_events_page__constructed.json", ExportFormat.PlatformHistory, null, "alice:1/4", 0, "deleted=1")]
    [InlineData("entities_list__constructed.json", ExportFormat.PlatformEntityList, null, "", 1, "")]
    [InlineData("export_schema__docs.json", ExportFormat.PlatformStructuredExport, null, "", 1, "")]
    [InlineData("export_create_response__docs.json", ExportFormat.PlatformStructuredExport, null, "", 1, "")]
    [InlineData("export_get_response__docs.json", ExportFormat.PlatformStructuredExport, null, "", 1, "")]
    [InlineData("export_get_response__docs_cookbook.json", ExportFormat.PlatformStructuredExport, null, "", 1, "")]
    [InlineData("export_get_not_ready_404.json", ExportFormat.PlatformStructuredExport, null, "", 1, "")]
    [InlineData("openapi_subset__docs_openapi_json_2026_08.json", ExportFormat.Unknown, null, "", 1, "")]
    // CLI and plugin
    [InlineData("mem0_list_output_json.json", ExportFormat.PlatformCliList, null, "alice:5/0", 0, "")]
    [InlineData("mem0-export-my-project-2026-05-04.md", ExportFormat.PlatformPluginMarkdown, null, "", 4, "")]
    [InlineData("mem0-export-my-project-2026-05-04.md", ExportFormat.PlatformPluginMarkdown, "dev-1", "dev-1:4/0", 0, "")]
    [InlineData("mem0-export__test_fixture_verbatim.md", ExportFormat.PlatformPluginMarkdown, "dev-1", "dev-1:1/0", 3, "")]
    // OSS
    [InlineData("python_get_all_2x.json", ExportFormat.OssPythonGetAll, null, "bob:7/0", 0, "")]
    [InlineData("python_get_2x.json", ExportFormat.SingleMemory, null, "bob:1/0", 0, "")]
    [InlineData("python_get_all_1x_graph.json", ExportFormat.OssPythonGetAll, null, "alice:2/0", 0, "")]
    [InlineData("python_get_all_0x_v1_0_plain_list.json", ExportFormat.OssPythonList, null, "alice:4/0", 0, "")]
    [InlineData("python_history_2x_memory_updated.json", ExportFormat.OssPythonHistory, "bob", "bob:1/0", 0, "")]
    [InlineData("python_history_2x_memory_deleted.json", ExportFormat.OssPythonHistory, null, "", 1, "")]
    [InlineData("python_history_2x_memory_deleted.json", ExportFormat.OssPythonHistory, "bob", "bob:1/0", 0, "deleted=1")]
    [InlineData("python_history_legacy_7keys.json", ExportFormat.OssPythonHistory, "alice", "alice:1/0", 0, "")]
    [InlineData("history.db", ExportFormat.OssHistoryDb, null, "bob:0/5", 6, "")]
    [InlineData("history.db", ExportFormat.OssHistoryDb, "bob", "bob:6/5", 0, "deleted=1")]
    [InlineData("history_db_dump.sql", ExportFormat.OssHistorySqlDump, "bob", "bob:6/5", 0, "deleted=1")]
    [InlineData("ts_get_all_3x.json", ExportFormat.OssTypeScriptGetAll, null, "carol:3/0", 0, "")]
    [InlineData("ts_history_3x_sqlite.json", ExportFormat.OssTypeScriptHistory, "carol", "carol:1/0", 0, "")]
    [InlineData("ts_history__docs_2025_10.json", ExportFormat.OssTypeScriptHistory, null, "", 1, "")]
    [InlineData("qdrant_points_scroll_response.json", ExportFormat.OssQdrantScroll, null, "bob:4/0", 0, "")]
    [InlineData("mem0_oss_qdrant_export.json", ExportFormat.OssQdrantMigrationExport, null, "bob:5/0", 0, "")]
    // OpenMemory
    [InlineData("memories_export_default_user.zip", ExportFormat.OpenMemoryBackupZip, null, "default_user:9/0", 0, "archived=1,deleted=1,paused=1")]
    [InlineData("memories.json", ExportFormat.OpenMemoryBackupJson, null, "default_user:9/0", 0, "archived=1,deleted=1,paused=1")]
    [InlineData("memories.jsonl", ExportFormat.OpenMemoryBackupJsonl, null, "", 9, "")]
    [InlineData("memories.jsonl", ExportFormat.OpenMemoryBackupJsonl, "default_user", "default_user:9/0", 0, "archived=1,deleted=1,paused=1")]
    [InlineData("memories.jsonl.gz", ExportFormat.OpenMemoryBackupJsonl, "default_user", "default_user:9/0", 0, "archived=1,deleted=1,paused=1")]
    [InlineData("api_v1_memories_list_page.json", ExportFormat.OpenMemoryRestPage, null, "", 5, "")]
    [InlineData("api_v1_memories_list_page.json", ExportFormat.OpenMemoryRestPage, "default_user", "default_user:5/0", 0, "")]
    [InlineData("api_v1_memory_get.json", ExportFormat.OpenMemoryRestMemory, "default_user", "default_user:1/0", 0, "")]
    [InlineData("mcp_list_memories_tool_output.json", ExportFormat.OssPythonList, null, "default_user:3/0", 0, "")]
    public async Task Sample_is_detected_and_read_with_exact_counts(string fixture, ExportFormat format, string? fallbackUser, string users, int failures, string inactive)
    {
        Assert.Equal(format, await Mem0FormatDetector.DetectAsync(Fixture.Path(fixture)));

        var outcomes = await ReadWith(fixture, fallbackUser);

        var items = outcomes.Items();
        var actualUsers = string.Join(";", items.GroupBy(i => i.UserId).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{g.Count(i => i.Kind == SourceItemKind.Memory)}/{g.Count(i => i.Kind == SourceItemKind.ConversationMessage)}"));
        Assert.Equal(users, actualUsers);
        Assert.Equal(failures, outcomes.Failures().Count);
        Assert.Equal(inactive, string.Join(",", items.Where(i => i.InactiveReason is not null).GroupBy(i => i.InactiveReason!)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}")));
        Assert.All(items, i => Assert.Equal(TimeSpan.Zero, i.CreatedAt.Offset));
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.Content)));
        Assert.All(outcomes.Failures(), f => Assert.StartsWith(fixture, f.Position.File, StringComparison.Ordinal));
        Assert.Equal(items.Count, items.Select(i => (i.Kind, i.SourceId)).Distinct().Count());
    }

    [Fact]
    public async Task Js_sdk_camelcase_dump_yields_exactly_the_snake_case_page()
    {
        var snake = (await Read.AllAsync(Fixture.Path("v3_get_all_page1.json"))).Items();
        var camel = (await Read.AllAsync(Fixture.Path("v3_get_all_page1__js_sdk_camelcase.json"))).Items();

        Assert.Equal(snake.Select(i => (i.SourceId, i.UserId, i.Content, i.CreatedAt, i.UpdatedAt, i.SessionId, i.AgentId, i.ExpiresAt)),
            camel.Select(i => (i.SourceId, i.UserId, i.Content, i.CreatedAt, i.UpdatedAt, i.SessionId, i.AgentId, i.ExpiresAt)));
        Assert.Equal("trip-planning-2026-06", camel[3].SessionId);
        Assert.Equal("LIS-2026-06", camel[3].Metadata!.Value.GetProperty("trip_id").GetString());
    }

    [Fact]
    public async Task Cli_output_carries_ids_text_times_and_categories_of_the_page_under_the_scope_user()
    {
        var page = (await Read.AllAsync(Fixture.Path("v3_get_all_page1.json"))).Items();
        var cli = (await Read.AllAsync(Fixture.Path("mem0_list_output_json.json"))).Items();

        Assert.Equal(page.Select(i => (i.SourceId, i.Content, i.CreatedAt, string.Join(",", i.Categories), i.ExpiresAt)),
            cli.Select(i => (i.SourceId, i.Content, i.CreatedAt, string.Join(",", i.Categories), i.ExpiresAt)));
        Assert.All(cli, i => Assert.Equal("alice", i.UserId));
        Assert.Equal(Read.Utc("2026-06-02T07:15:09.512004Z"), cli[4].CreatedAt);
    }

    [Fact]
    public async Task Cli_output_without_scope_user_fails_each_record_naming_user_id()
    {
        var text = File.ReadAllText(Fixture.Path("mem0_list_output_json.json")).Replace("\"user_id\": \"alice\"", "\"agent_id\": \"x\"", StringComparison.Ordinal);
        using var file = TempFile.WithText(text);

        var outcomes = await Read.AllAsync(file.Path);

        Assert.Empty(outcomes.Items());
        Assert.Equal(5, outcomes.Failures().Count);
        Assert.All(outcomes.Failures(), f => Assert.Equal("user_id", f.Field));
        Assert.All(outcomes.Failures(), f => Assert.Contains("scope", f.Reason));
    }

    [Fact]
    public async Task OpenMemory_zip_maps_external_user_app_names_category_names_and_states()
    {
        var items = (await Read.AllAsync(Fixture.Path("memories_export_default_user.zip"))).Items();

        Assert.Equal(9, items.Count);
        var first = items[0];
        Assert.Equal("9ddcb769-310e-4032-8db2-f95b9ab72a48", first.SourceId);
        Assert.Equal("Prefers TypeScript with strict mode enabled for all new projects", first.Content);
        Assert.Equal("claude", first.AppId);
        Assert.Equal(["preferences", "ai, ml & technology"], first.Categories);
        Assert.Equal(Read.Utc("2025-09-02T08:21:10.337102Z"), first.CreatedAt);
        Assert.Equal("memories_export_default_user.zip!memories.json", first.Position.File);
        Assert.Equal("Drinks café au lait every morning, never espresso after 2pm", items[4].Content);
        Assert.Equal("paused", items[5].InactiveReason);
        Assert.Equal("archived", items[6].InactiveReason);
        var deleted = items[7];
        Assert.Equal("deleted", deleted.InactiveReason);
        Assert.Equal(Read.Utc("2025-09-23T17:55:30.010458Z"), deleted.UpdatedAt);
        Assert.Equal("ui", items[8].Metadata!.Value.GetProperty("source").GetString());

        var standalone = (await Read.AllAsync(Fixture.Path("memories.json"))).Items();
        Assert.Equal(items.Select(i => (i.SourceId, i.Content, i.AppId, i.InactiveReason, string.Join("|", i.Categories))),
            standalone.Select(i => (i.SourceId, i.Content, i.AppId, i.InactiveReason, string.Join("|", i.Categories))));
    }

    [Fact]
    public async Task OpenMemory_jsonl_gzip_with_fallback_user_carries_the_same_memories_as_memories_json()
    {
        var json = (await Read.AllAsync(Fixture.Path("memories.json"))).Items();
        var jsonl = (await ReadWith("memories.jsonl.gz", "default_user")).Items();

        Assert.Equal(json.Select(i => (i.SourceId, i.Content, i.CreatedAt, i.UpdatedAt, i.AppId, i.InactiveReason, string.Join("|", i.Categories))),
            jsonl.Select(i => (i.SourceId, i.Content, i.CreatedAt, i.UpdatedAt, i.AppId, i.InactiveReason, string.Join("|", i.Categories))));
        Assert.Equal(332, jsonl[1].Position.ByteOffset);
    }

    [Fact]
    public async Task OpenMemory_rest_page_reads_epoch_seconds_and_app_names()
    {
        var items = (await ReadWith("api_v1_memories_list_page.json", "default_user")).Items();

        Assert.Equal(Read.Utc("2025-09-02T08:21:10Z"), items[0].CreatedAt);
        Assert.Equal("claude", items[0].AppId);
        Assert.Equal(["preferences", "ai, ml & technology"], items[0].Categories);
        Assert.All(items, i => Assert.Null(i.InactiveReason));

        var single = Assert.Single((await ReadWith("api_v1_memory_get.json", "default_user")).Items());
        Assert.Equal("Prefers TypeScript with strict mode enabled for all new projects", single.Content);
        Assert.Equal(Read.Utc("2025-09-02T08:21:10Z"), single.CreatedAt);
    }

    [Fact]
    public async Task History_db_yields_messages_per_scope_in_order_its_memories_and_the_deleted_memory()
    {
        var outcomes = await ReadWith("history.db", "bob");
        var messages = outcomes.Items().Where(i => i.Kind == SourceItemKind.ConversationMessage).ToList();

        Assert.Equal(5, messages.Count);
        var chef = Assert.Single(messages, m => m.AgentId == "chef-bot");
        Assert.Equal("user", chef.Role);
        Assert.Equal(Read.Utc("2026-05-09T12:44:09.87122Z"), chef.CreatedAt);
        Assert.Equal("cc6201b4-274b-4599-9a97-42b368cedd53", chef.SourceId);
        var bob = messages.Where(m => m.AgentId is null).ToList();
        Assert.Equal(["user", "assistant", "user", "assistant"], bob.Select(m => m.Role));
        Assert.Equal([0, 1, 2, 3], bob.Select(m => m.Sequence));
        Assert.Single(bob.Select(m => m.SessionId).Distinct());
        Assert.NotEqual(bob[0].SessionId, chef.SessionId);
        Assert.StartsWith("mem0-messages-", bob[0].SessionId);
        Assert.Equal("Hey, I'm Bob. Backend engineer, mostly Go and some Python these days.", bob[0].Content);
        Assert.All(messages, m => Assert.Equal("history.db!messages", m.Position.File));

        var memories = outcomes.Items().Where(i => i.Kind == SourceItemKind.Memory).ToList();
        Assert.Equal(6, memories.Count);
        Assert.All(memories, m => Assert.Equal("history.db!history", m.Position.File));
        var deleted = Assert.Single(memories, i => i.InactiveReason is not null);
        Assert.Equal("bf5b3018-b6eb-4646-8507-8b6e6fdca490", deleted.SourceId);
        Assert.Equal(3, deleted.Position.RecordIndex);
        Assert.Equal("Bob uses a Kinesis Advantage keyboard.", deleted.Content);
        Assert.Equal(Read.Utc("2026-05-02T15:00:41.220518Z"), deleted.CreatedAt);
        Assert.Equal(Read.Utc("2026-05-19T08:12:09.604477Z"), deleted.UpdatedAt);
        Assert.Equal("deleted", deleted.InactiveReason);

        var dump = (await ReadWith("history_db_dump.sql", "bob")).Items();
        Assert.Equal(outcomes.Items().Select(i => (i.SourceId, i.Content, i.CreatedAt, i.UpdatedAt, i.InactiveReason, i.Role, i.Sequence, i.SessionId)),
            dump.Select(i => (i.SourceId, i.Content, i.CreatedAt, i.UpdatedAt, i.InactiveReason, i.Role, i.Sequence, i.SessionId)));
    }

    [Fact]
    public async Task Python_history_delete_row_yields_the_deleted_memory_with_creation_and_deletion_times()
    {
        var item = Assert.Single((await ReadWith("python_history_2x_memory_deleted.json", "bob")).Items());

        Assert.Equal("bf5b3018-b6eb-4646-8507-8b6e6fdca490", item.SourceId);
        Assert.Equal("Bob uses a Kinesis Advantage keyboard.", item.Content);
        Assert.Equal(Read.Utc("2026-05-02T15:00:41.220518Z"), item.CreatedAt);
        Assert.Equal(Read.Utc("2026-05-19T08:12:09.604477Z"), item.UpdatedAt);
        Assert.Equal(1, item.Position.RecordIndex);
    }

    [Fact]
    public async Task Ts_history_delete_row_without_timestamps_takes_the_creation_time_of_its_add_row()
    {
        using var file = TempFile.WithText("""
            [{"id": 14, "memory_id": "m-1", "previous_value": "Old fact.", "new_value": null, "action": "DELETE", "created_at": null, "updated_at": null, "is_deleted": 1},
             {"id": 9, "memory_id": "m-1", "previous_value": null, "new_value": "Old fact.", "action": "ADD", "created_at": "2026-05-08T07:59:02.881Z", "updated_at": null, "is_deleted": 0}]
            """);
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = "carol" });
        var outcomes = new List<ReadOutcome>();
        await foreach (var o in reader.ReadAsync(file.Path)) outcomes.Add(o);

        // TS orders rows newest first: the DELETE comes before its ADD. The memory is settled once the file ends, so the
        // DELETE row, which has no timestamp at all, takes the creation time of the ADD row after it.
        Assert.Empty(outcomes.Failures());
        var item = Assert.Single(outcomes.Items());
        Assert.Equal(("m-1", "Old fact.", "deleted"), (item.SourceId, item.Content, item.InactiveReason));
        Assert.Equal(Read.Utc("2026-05-08T07:59:02.881Z"), item.CreatedAt);
        Assert.Null(item.UpdatedAt);
        Assert.Equal(0, item.Position.RecordIndex);
    }

    [Fact]
    public async Task Ts_history_whose_rows_of_a_memory_have_no_timestamp_at_all_fails_naming_created_at()
    {
        using var file = TempFile.WithText("""
            [{"id": 14, "memory_id": "m-1", "previous_value": "Old fact.", "new_value": null, "action": "DELETE", "created_at": null, "updated_at": null, "is_deleted": 1}]
            """);
        var reader = new Mem0ExportReader(new Mem0ReaderOptions { FallbackUserId = "carol" });
        var outcomes = new List<ReadOutcome>();
        await foreach (var o in reader.ReadAsync(file.Path)) outcomes.Add(o);

        var failure = Assert.Single(outcomes.Failures());
        Assert.Equal("created_at", failure.Field);
        Assert.Equal("14", failure.SourceId);
        Assert.DoesNotContain("Old fact", failure.Reason);
        Assert.Empty(outcomes.Items());
    }

    [Fact]
    public async Task Qdrant_scroll_and_migration_artifact_carry_the_same_memories_with_flattened_metadata()
    {
        var points = (await Read.AllAsync(Fixture.Path("qdrant_points_scroll_response.json"))).Items();
        var artifact = (await Read.AllAsync(Fixture.Path("mem0_oss_qdrant_export.json"))).Items();
        var getAll = (await Read.AllAsync(Fixture.Path("python_get_all_2x.json"))).Items();

        Assert.Equal("preferences", points[1].Metadata!.Value.GetProperty("category").GetString());
        Assert.False(points[1].Metadata!.Value.TryGetProperty("text_lemmatized", out _));
        Assert.Null(points[0].Metadata);
        Assert.Equal("chef-bot", points[3].AgentId);
        Assert.Equal("openmemory", points[3].Metadata!.Value.GetProperty("source_app").GetString());
        Assert.All(points, p => Assert.Contains(artifact, a => a.SourceId == p.SourceId && a.Content == p.Content && a.CreatedAt == p.CreatedAt));
        Assert.All(artifact, a => Assert.Contains(getAll, g => g.SourceId == a.SourceId && g.Content == a.Content));
        Assert.Equal("session-2026-05-11", artifact[4].SessionId);
    }

    [Fact]
    public async Task Ts_get_all_reads_camelcase_timestamps_in_milliseconds()
    {
        var items = (await Read.AllAsync(Fixture.Path("ts_get_all_3x.json"))).Items();

        Assert.Equal(Read.Utc("2026-05-06T20:11:31.402Z"), items[0].CreatedAt);
        Assert.Null(items[0].UpdatedAt);
        Assert.Equal(Read.Utc("2026-05-21T18:40:13.007Z"), items[2].UpdatedAt);
        Assert.Equal("Carol moved her blog from Ghost to Astro.", items[2].Content);
        Assert.Equal("chat", items[1].Metadata!.Value.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Plugin_markdown_blocks_become_memories_with_project_app_and_metadata()
    {
        var items = (await ReadWith("mem0-export-my-project-2026-05-04.md", "dev-1")).Items();

        Assert.Equal(4, items.Count);
        var first = items[0];
        Assert.Equal("329f1e51-a2ee-4d24-ab04-a7720bf3eac7", first.SourceId);
        Assert.Equal("Run `pnpm test --filter api` before pushing; CI does not run the api package tests on draft PRs.", first.Content);
        Assert.Equal(Read.Utc("2026-04-28T17:04:40Z"), first.CreatedAt);
        Assert.Equal("my-project", first.AppId);
        Assert.Equal(["task_learnings"], first.Categories);
        var md = first.Metadata!.Value;
        Assert.Equal("task_learnings", md.GetProperty("type").GetString());
        Assert.Equal("0.9", md.GetProperty("confidence").GetString());
        Assert.Equal(["package.json", ".github/workflows/ci.yml"], md.GetProperty("files").EnumerateArray().Select(e => e.GetString()!));
        Assert.Empty(items[3].Categories);
        Assert.False(items[2].Metadata!.Value.TryGetProperty("branch", out _));
        Assert.Equal(308, items[1].Position.ByteOffset);

        var verbatim = await ReadWith("mem0-export__test_fixture_verbatim.md", "dev-1");
        Assert.Equal("abc123", Assert.Single(verbatim.Items()).SourceId);
        Assert.Equal(["mem001", "mem002", "mem003"], verbatim.Failures().Select(f => f.SourceId));
        Assert.All(verbatim.Failures(), f => Assert.Equal("created_at", f.Field));
    }

    [Fact]
    public async Task Single_memory_with_a_2015_pacific_time_is_the_next_day_in_utc()
    {
        var item = Assert.Single((await Read.AllAsync(Fixture.Path("get_memory__issue_3213.json"))).Items());

        Assert.Equal(Read.Utc("2015-07-24T05:44:08Z"), item.CreatedAt);
        Assert.Equal(["entertainment"], item.Categories);
    }

    [Theory]
    [InlineData("export_get_response__docs.json", "P6")]
    [InlineData("export_create_response__docs.json", "create_memory_export")]
    [InlineData("export_get_not_ready_404.json", "not ready")]
    [InlineData("export_schema__docs.json", "schema")]
    [InlineData("entities_list__constructed.json", "entity list")]
    public async Task Files_without_records_are_refused_saying_which_export_to_produce(string fixture, string what)
    {
        var failure = Assert.IsType<RecordFailed>(Assert.Single(await Read.AllAsync(Fixture.Path(fixture))));

        Assert.Equal(-1, failure.Position.RecordIndex);
        Assert.Contains(what, failure.Reason);
        Assert.Contains("get_all", failure.Reason);
    }

    [Fact]
    public async Task Agent_only_memory_fails_naming_user_id_and_saying_it_is_agent_only()
    {
        var failures = (await Read.AllAsync(Fixture.Path("v1_1_get_all_nested_results__docs_2025_03.json"))).Failures();

        Assert.All(failures, f => Assert.Contains("agent-only", f.Reason));
    }

    [Fact]
    public async Task Inspector_summarises_files_without_writing_anything()
    {
        var paths = new[] { "v3_get_all_page1.json", "memories_export_default_user.zip", "history.db", "export_get_response__docs.json" }.Select(Fixture.Path).ToList();

        var report = await new Mem0ExportInspector(new Mem0ReaderOptions { FallbackUserId = "bob" }, new FixedClock(Read.EarlyNow)).InspectAsync(paths, default);

        Assert.Equal([ExportFormat.PlatformV3Page, ExportFormat.OpenMemoryBackupZip, ExportFormat.OssHistoryDb, ExportFormat.PlatformStructuredExport], report.Files.Select(f => f.Format));
        Assert.Equal(new UserInspection("alice", 5, 0), Assert.Single(report.Files[0].Users));
        Assert.Equal(Read.Utc("2026-05-04T16:02:11Z"), report.Files[0].FirstCreatedAt);
        Assert.Equal(Read.Utc("2026-06-02T07:15:09.512004Z"), report.Files[0].LastCreatedAt);
        Assert.Equal(new Dictionary<string, int> { ["archived"] = 1, ["deleted"] = 1, ["paused"] = 1 }, report.Files[1].InactiveByReason);
        Assert.Equal(new UserInspection("bob", 6, 5), Assert.Single(report.Files[2].Users));
        Assert.Contains("P6", Assert.Single(report.Files[3].Problems));
        Assert.Equal(5 + 9 + 11, report.TotalItems);
        Assert.Equal(1, report.TotalProblems);
    }
}
