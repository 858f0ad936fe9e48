using System.Net;
using System.Text;
using System.Text.Json;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Starting_a_migration(ApiHost api)
{
    [Fact]
    public async Task An_upload_is_stored_in_its_own_folder_and_migrated_into_Zep()
    {
        var response = await api.UploadAsync([("platform-v3-page1.json", await File.ReadAllBytesAsync(Exports.Sample))]);

        var body = await response.AssertAcceptedAsync();
        var runId = body.GetProperty("runId").GetGuid();
        Assert.Equal("created", body.GetProperty("status").GetString());
        Assert.Equal($"/api/v1/migrations/{runId}", response.Headers.Location?.OriginalString);
        var run = await api.WaitFinishedAsync(runId);
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal("api", run.GetProperty("startedVia").GetString());
        Assert.Equal(ApiHost.OperatorName, run.GetProperty("requestedBy").GetString());
        Assert.Equal(4, run.GetProperty("items").GetProperty("migrated").GetInt32());
        Assert.Equal(1, run.GetProperty("items").GetProperty("skipped").GetInt32());
        Assert.Equal(4, api.Emulator.Store.GetEpisodes("alice").Count);
        var stored = Directory.GetFiles(Path.Combine(api.DropFolder, "uploads"), "*platform-v3-page1.json", SearchOption.AllDirectories);
        Assert.Contains(stored, f => File.ReadAllBytes(f).SequenceEqual(File.ReadAllBytes(Exports.Sample)));
    }

    [Fact]
    public async Task A_path_inside_the_drop_folder_starts_a_run_with_the_requested_options()
    {
        var prefix = Exports.Prefix();
        Directory.CreateDirectory(Path.Combine(api.DropFolder, "incoming"));
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, "incoming", $"{prefix}.json"), Exports.Platform(prefix, users: 3));

        var response = await api.StartByPathAsync(new { path = $"incoming/{prefix}.json", users = new[] { $"{prefix}-u01" }, maxUsersInFlight = 2 });

        var runId = (await response.AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        var run = await api.WaitFinishedAsync(runId);
        Assert.Equal(1, run.GetProperty("users").GetProperty("verified").GetInt32());
        Assert.Equal(2, run.GetProperty("users").GetProperty("skipped").GetInt32());
        Assert.NotEmpty(api.Emulator.Store.GetEpisodes($"{prefix}-u01"));
        Assert.Empty(api.Emulator.Store.GetEpisodes($"{prefix}-u00"));
    }

    [Fact]
    public async Task Form_fields_of_an_upload_set_the_options_a_dry_run_writes_nothing()
    {
        var prefix = Exports.Prefix();
        var response = await api.UploadAsync("x.json", Exports.Platform(prefix, users: 2), ("dryRun", "true"));

        var runId = (await response.AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        var run = await api.WaitFinishedAsync(runId);
        Assert.Equal("dry_run_completed", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("dryRun").GetBoolean());
        Assert.False(api.Emulator.Store.UserExists($"{prefix}-u00"));
    }

    [Fact]
    public async Task Uploaded_file_names_are_sanitised_and_stay_inside_the_upload_folder()
    {
        var prefix = Exports.Prefix();
        var response = await api.UploadAsync([("../../../evil name;rm.json", Encoding.UTF8.GetBytes(Exports.Platform(prefix, 1)))]);

        await response.AssertAcceptedAsync();
        var stored = Directory.GetFiles(Path.Combine(api.DropFolder, "uploads"), "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains(prefix)).ToList();
        var file = Assert.Single(stored);
        Assert.Equal("001-evil_name_rm.json", Path.GetFileName(file));
        Assert.Equal(Path.Combine(api.DropFolder, "uploads"), Path.GetDirectoryName(Path.GetDirectoryName(file)));
        Assert.False(File.Exists(Path.Combine(api.Root, "evil name;rm.json")));
    }

    [Fact]
    public async Task An_upload_without_files_is_refused()
    {
        var response = await api.UploadAsync([], [("dryRun", "true")]);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("no file", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_empty_file_is_refused_and_nothing_is_kept()
    {
        var before = UploadFolders();
        var response = await api.UploadAsync([("empty.json", Array.Empty<byte>())]);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, UploadFolders());
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_413_and_nothing_is_kept()
    {
        var before = UploadFolders();
        var response = await api.UploadAsync([("big.json", new byte[ApiHost.MaxFileBytes + 1])]);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, UploadFolders());
    }

    [Fact]
    public async Task An_upload_over_the_request_limit_is_refused_with_413()
    {
        var file = new byte[ApiHost.MaxFileBytes - 10];
        file.AsSpan().Fill((byte)' ');
        var response = await api.UploadAsync([("a.json", file), ("b.json", file), ("c.json", file)]);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task More_files_than_allowed_are_refused_with_413()
    {
        var files = Enumerable.Range(0, ApiHost.MaxFiles + 1).Select(i => ($"f{i}.json", "{}"u8.ToArray()));
        var response = await api.UploadAsync(files);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("../outside.json")]
    [InlineData("incoming/../../outside.json")]
    [InlineData("/etc/passwd")]
    [InlineData("..%2f..%2fetc%2fpasswd")]
    [InlineData("%2e%2e/outside.json")]
    [InlineData("")]
    public async Task A_path_outside_the_drop_folder_is_refused(string path)
    {
        await File.WriteAllTextAsync(Path.Combine(api.Root, "outside.json"), Exports.Platform(Exports.Prefix(), 1));
        var response = await api.StartByPathAsync(new { path });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.DoesNotContain("passwd", problem.GetRawText());
    }

    [Fact]
    public async Task A_json_escaped_traversal_is_refused()
    {
        var content = new StringContent("""{"path":"..\u002f..\u002fetc\u002fpasswd"}""", Encoding.UTF8, "application/json");
        var response = await api.Operator().PostAsync("api/v1/migrations", content);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_symbolic_link_leading_out_of_the_drop_folder_is_refused()
    {
        var outside = Path.Combine(api.Root, "secret-dir");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "export.json"), Exports.Platform(Exports.Prefix(), 1));
        var link = Path.Combine(api.DropFolder, "escape-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateSymbolicLink(link, outside);

        var response = await api.StartByPathAsync(new { path = $"{Path.GetFileName(link)}/export.json" });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_absolute_path_inside_the_drop_folder_is_accepted()
    {
        var file = Path.Combine(api.DropFolder, $"{Exports.Prefix()}.json");
        await File.WriteAllTextAsync(file, Exports.Platform(Exports.Prefix(), 1));
        var response = await api.StartByPathAsync(new { path = file, dryRun = true });
        await response.AssertAcceptedAsync();
    }

    [Fact]
    public async Task A_missing_file_is_404()
    {
        var response = await api.StartByPathAsync(new { path = "no-such-export.json" });
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_options_are_a_validation_problem()
    {
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, "valid.json"), Exports.Platform(Exports.Prefix(), 1));
        var response = await api.StartByPathAsync(new { path = "valid.json", maxUsersInFlight = 0 });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("maxUsersInFlight", out _));
    }

    [Fact]
    public async Task A_body_that_is_neither_json_nor_multipart_is_415()
    {
        var response = await api.Operator().PostAsync("api/v1/migrations", new StringContent("path=x", Encoding.UTF8, "text/plain"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        var response = await api.Operator().PostAsync("api/v1/migrations", new StringContent("{\"path\":", Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private string[] UploadFolders()
    {
        var uploads = Path.Combine(api.DropFolder, "uploads");
        return Directory.Exists(uploads) ? Directory.GetDirectories(uploads).Order().ToArray() : [];
    }
}
