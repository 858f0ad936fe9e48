using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary><c>migrate --users FILE --user-prefix PREFIX --update-users</c> through the real executable, against an emulator of the test's own.</summary>
public sealed class When_the_cli_migrates_with_a_users_file(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ZepKey = "test-key-not-secret";
    private readonly CliProcess _cli = new();
    private ZepEmulatorHost _zep = null!;

    private Dictionary<string, string?> Environment => new() { ["ZEP_API_KEY"] = ZepKey, ["Zep__BaseUrl"] = _zep.ApiBaseUrl.AbsoluteUri };

    private static readonly string Alice = ExpectedExport.FixturePath("platform-v3-page1.json");
    private static readonly string Bob = ExpectedExport.FixturePath("oss-python-get-all.json");

    public async Task InitializeAsync() => _zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = ZepKey });

    private string UsersFile(string name, string text)
    {
        var path = Path.Combine(_cli.WorkingDirectory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task An_unreadable_users_file_stops_it_before_anything_starts()
    {
        var users = UsersFile("users.csv", "zep_user_id,email\nsomeone,someone@example.org\n");

        var result = await _cli.RunAsync(Environment, ["migrate", Alice, "--users", users, "--json"]);

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: users file {users}: ", result.Error);
        Assert.Contains("mem0_user_id", result.Error);
        Assert.DoesNotContain("someone@example.org", result.Error + result.Output);
        Assert.Equal("", result.Output);
        Assert.False(File.Exists(Path.Combine(_cli.WorkingDirectory, "pixelated-migration.db")), "no run was started");
        Assert.Empty(_zep.Store.GetUsers());
    }

    [Fact]
    public async Task A_missing_users_file_stops_it_naming_the_file()
    {
        var missing = Path.Combine(_cli.WorkingDirectory, "nobody.json");

        var result = await _cli.RunAsync(Environment, ["migrate", Alice, "--users", missing]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: users file {missing}: nobody.json cannot be read: no such file", result.Error);
        Assert.Empty(_zep.Store.GetUsers());
    }

    [Fact]
    public async Task The_users_file_maps_its_users_the_prefix_the_rest_and_a_bad_row_fails_only_its_user()
    {
        var users = UsersFile("users.json", """
            [{"mem0_user_id": "alice", "zep_user_id": "patient-alice", "email": "alice@example.org", "role": "patient"},
             {"mem0_user_id": "carol", "email": "not an address"}]
            """);

        var migrate = await _cli.RunAsync(Environment, ["migrate", Alice, Bob, "--users", users, "--user-prefix", "clinic-", "--json"]);
        var runId = migrate.Json.GetProperty("runId").GetString()!;
        var report = await _cli.RunAsync(Environment, ["report", "--run", runId, "--format", "json"]);
        var table = await _cli.RunAsync(Environment, ["report", "--run", runId]);

        output.WriteLine(migrate.Output + migrate.Error + table.Output);
        Assert.Equal(3, migrate.ExitCode); // the bad row is a failed item
        Assert.Contains("warning: users file", migrate.Error);
        var lines = report.Json.GetProperty("userLines").EnumerateArray().ToDictionary(l => l.GetProperty("user").GetString()!);
        Assert.Equal("patient-alice", lines["alice"].GetProperty("zepUserId").GetString());
        Assert.Equal("patient", lines["alice"].GetProperty("role").GetString());
        Assert.Equal("clinic-bob", lines["bob"].GetProperty("zepUserId").GetString());
        Assert.Equal("verified", lines["alice"].GetProperty("status").GetString());
        Assert.Equal("verified", lines["bob"].GetProperty("status").GetString());
        Assert.Contains(report.Json.GetProperty("problems").EnumerateArray(), p => p.GetProperty("reason").GetString()!.Contains("users.json"));
        Assert.Equal("alice@example.org", _zep.Store.GetUser("patient-alice")?.Email);
        Assert.NotNull(_zep.Store.GetUser("clinic-bob"));
        Assert.Null(_zep.Store.GetUser("alice"));
        Assert.Contains("zep user", table.Output);
        Assert.Contains("patient-alice", table.Output);
        Assert.Contains("clinic-bob", table.Output);
        Assert.DoesNotContain("alice@example.org", migrate.Output + migrate.Error + table.Output);
    }

    [Fact]
    public async Task A_users_file_inside_the_export_folder_is_not_read_as_an_export()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_cli.WorkingDirectory, "export")).FullName;
        File.Copy(Alice, Path.Combine(folder, "platform-v3-page1.json"));
        var users = Path.Combine(folder, "users.json");
        File.WriteAllText(users, """{"users": [{"mem0_user_id": "alice", "zep_user_id": "patient-alice"}]}""");

        var result = await _cli.RunAsync(Environment, ["migrate", folder, "--users", users, "--json"]);

        output.WriteLine(result.Output + result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, result.Json.GetProperty("items").GetProperty("failed").GetInt32());
        Assert.NotEmpty(_zep.Store.GetEpisodes("patient-alice"));
    }

    [Fact]
    public async Task With_update_users_an_existing_zep_user_gets_the_profile_and_the_report_says_so()
    {
        var first = await _cli.RunAsync(Environment, ["migrate", Alice, "--json"]);
        Assert.Equal(0, first.ExitCode);
        Assert.Null(_zep.Store.GetUser("alice")!.Email);
        var users = UsersFile("users.csv", "mem0_user_id,email,first_name\nalice,alice@example.org,Alice\n");

        var updated = await _cli.RunAsync(Environment, ["migrate", Alice, "--users", users, "--update-users"]);

        output.WriteLine(updated.Output + updated.Error);
        Assert.Equal(0, updated.ExitCode);
        Assert.Equal("alice@example.org", _zep.Store.GetUser("alice")!.Email);
        Assert.Contains("updated 1 existing Zep user(s)", updated.Output);
        Assert.DoesNotContain("alice@example.org", updated.Output);
    }

    public async Task DisposeAsync()
    {
        _cli.Dispose();
        await _zep.DisposeAsync();
    }
}
