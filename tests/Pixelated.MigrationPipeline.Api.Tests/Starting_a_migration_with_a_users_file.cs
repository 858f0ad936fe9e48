using System.Net;
using Pixelated.MigrationPipeline.Api.Tests.Support;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Starting_a_migration_with_a_users_file(ApiHost api)
{
    [Fact]
    public async Task A_users_file_in_the_drop_folder_maps_users_and_the_prefix_maps_the_rest()
    {
        var prefix = Exports.Prefix();
        var folder = Path.Combine(api.DropFolder, prefix);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "export.json"), Exports.Platform(prefix, users: 2));
        await File.WriteAllTextAsync(Path.Combine(folder, "users.csv"),
            $"mem0_user_id,zep_user_id,email,role\n{prefix}-u00,{prefix}-zep-0,patient0@example.org,patient\n");

        var response = await api.StartByPathAsync(new { path = prefix, usersFile = $"{prefix}/users.csv", userPrefix = "clinic-" });

        var runId = (await response.AssertAcceptedAsync()).GetProperty("runId").GetGuid();
        var run = await api.WaitFinishedAsync(runId);
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(2, run.GetProperty("users").GetProperty("verified").GetInt32());
        Assert.NotEmpty(api.Emulator.Store.GetEpisodes($"{prefix}-zep-0"));
        Assert.NotEmpty(api.Emulator.Store.GetEpisodes($"clinic-{prefix}-u01"));
        Assert.False(api.Emulator.Store.UserExists($"{prefix}-u00"));
        var users = await (await api.Viewer().GetAsync($"api/v1/migrations/{runId}/users")).JsonAsync();
        var line = users.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("user").GetString() == $"{prefix}-u00");
        Assert.Equal($"{prefix}-zep-0", line.GetProperty("zepUserId").GetString());
        Assert.Equal("patient", line.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("../users.csv")]
    [InlineData("/etc/passwd")]
    [InlineData("missing-users.csv")]
    public async Task A_users_file_outside_the_drop_folder_or_missing_is_refused_naming_usersFile(string usersFile)
    {
        var prefix = Exports.Prefix();
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, $"{prefix}.json"), Exports.Platform(prefix, users: 1));
        await File.WriteAllTextAsync(Path.Combine(api.Root, "users.csv"), $"mem0_user_id,zep_user_id\n{prefix}-u00,outside\n");

        var response = await api.StartByPathAsync(new { path = $"{prefix}.json", usersFile });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("usersFile", out _), problem.GetRawText());
        Assert.DoesNotContain("passwd", problem.GetRawText());
        Assert.False(api.Emulator.Store.UserExists($"{prefix}-u00"));
    }

    [Fact]
    public async Task An_unreadable_users_file_is_refused_naming_usersFile()
    {
        var prefix = Exports.Prefix();
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, $"{prefix}.json"), Exports.Platform(prefix, users: 1));
        await File.WriteAllTextAsync(Path.Combine(api.DropFolder, $"{prefix}-users.csv"), "zep_user_id,email\nsomeone,a@example.org\n");

        var response = await api.StartByPathAsync(new { path = $"{prefix}.json", usersFile = $"{prefix}-users.csv" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var reason = Assert.Single(problem.GetProperty("errors").GetProperty("usersFile").EnumerateArray()).GetString();
        Assert.Contains("mem0_user_id", reason);
        Assert.DoesNotContain("a@example.org", problem.GetRawText());
    }
}
