using System.Text.Json;
using Pixelated.MigrationPipeline.Components.Runs;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.ZepEmulator;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Users arrive whole (DESIGN.md §4): the role a user's records carry in <c>metadata.role</c>, and the id map, e-mail and
/// names of a users file, reach the Zep user, are checked by validation, and are reported. The embedded pipeline
/// (in-memory bus, SQLite ledger) migrates into the emulator.
/// </summary>
public sealed class When_users_arrive_with_roles_and_profiles(ITestOutputHelper output) : IDisposable
{
    private readonly SqliteFolder _folder = new("user-profiles");

    public void Dispose() => _folder.Dispose();

    private Task<PipelineHost> StartAsync(ZepEmulatorHost zep, string ledger = "ledger.db") =>
        PipelineHost.StartAsync(zep, new Dictionary<string, string?>
        {
            ["Pipeline:Bus"] = "inmemory",
            ["Ledger:Provider"] = "sqlite",
            ["ConnectionStrings:Ledger"] = $"Data Source={_folder.File(ledger)}",
            ["Ledger:RetainContent"] = "true",
        });

    private static async Task<RunReport> RunAsync(PipelineHost pipeline, RunRequest request)
    {
        var runId = await pipeline.StartRunAsync(request);
        return await pipeline.WaitForAsync(runId, r => r.IsFinished, TimeSpan.FromMinutes(2), "the run's end");
    }

    [Fact]
    public async Task Records_roles_reach_the_zep_users_and_records_that_disagree_give_a_role_conflict()
    {
        var export = WriteClinicExport(
            ("p-1", "m1", "2026-03-01T10:00:00Z", """{"role":"patient"}"""),
            ("p-1", "m2", "2026-03-02T10:00:00Z", null),
            ("t-1", "m3", "2026-03-01T10:00:00Z", """{"role":"Therapist"}"""),
            ("x-1", "m4", "2026-03-01T10:00:00Z", """{"role":"therapist"}"""),
            ("x-1", "m5", "2026-03-05T10:00:00Z", """{"role":"patient"}"""),
            ("x-1", "m6", "2026-03-03T10:00:00Z", """{"role":"therapist"}"""),
            ("n-1", "m7", "2026-03-01T10:00:00Z", """{"role":"nurse"}"""));
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await using var pipeline = await StartAsync(zep);

        var report = await RunAsync(pipeline, new RunRequest([export]));

        output.WriteLine(JsonSerializer.Serialize(report.Findings));
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(4, report.Users.Verified);
        Assert.Equal("patient", Metadata(zep.Store.GetUser("p-1"), "role"));
        Assert.Equal("therapist", Metadata(zep.Store.GetUser("t-1"), "role"));
        Assert.Equal("patient", Metadata(zep.Store.GetUser("x-1"), "role")); // the most recent record's
        Assert.Null(Metadata(zep.Store.GetUser("n-1"), "role"));
        Assert.Equal("nurse", Metadata(zep.Store.GetUser("n-1"), "mem0_role"));
        Assert.All(new[] { "p-1", "t-1", "x-1", "n-1" }, u => Assert.Equal(u, Metadata(zep.Store.GetUser(u), "mem0_user_id")));

        var conflict = Assert.Single(report.Findings);
        Assert.Equal(("x-1", "RoleConflict"), (conflict.User, conflict.Kind));
        Assert.Contains("patient, therapist", conflict.Field);
        Assert.Equal("patient", report.UserLines.Single(u => u.User == "x-1").Role);
    }

    [Fact]
    public async Task A_users_file_maps_ids_and_fills_profiles_and_a_rerun_on_any_ledger_adds_nothing()
    {
        var paths = new[] { ExpectedExport.FixturePath("platform-v3-clinic-page.json"), ExpectedExport.FixturePath("platform-history.json") };
        var users = _folder.File("users.csv");
        await File.WriteAllTextAsync(users, """
            mem0_user_id,zep_user_id,email,first_name,last_name,role
            patient-1001,zep-patient-1001,sam.rivera@example.org,Sam,Rivera,patient
            therapist-07,,dr.okafor@example.org,Ada,Okafor,therapist
            alice,zep-alice,,,,
            """);
        var expected = ExpectedExport.LoadFiles(paths);
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());

        RunReport first;
        await using (var pipeline = await StartAsync(zep))
        {
            first = await RunAsync(pipeline, new RunRequest(paths, UsersFile: users));
            var again = await RunAsync(pipeline, new RunRequest(paths, UsersFile: users));
            Assert.Equal(RunStatus.Completed, again.Status);
        }
        var afterFirst = zep.Store.GetStats();
        RunReport onNewLedger;
        await using (var pipeline = await StartAsync(zep, "another-ledger.db"))
            onNewLedger = await RunAsync(pipeline, new RunRequest(paths, UsersFile: users));
        var afterRerun = zep.Store.GetStats();

        output.WriteLine(JsonSerializer.Serialize(first.UserLines));
        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(first.Users.Total, first.Users.Verified);
        Assert.Null(zep.Store.GetUser("patient-1001"));
        Assert.Null(zep.Store.GetUser("alice"));
        var sam = zep.Store.GetUser("zep-patient-1001")!;
        Assert.Equal(("sam.rivera@example.org", "Sam", "Rivera"), (sam.Email, sam.FirstName, sam.LastName));
        Assert.Equal(("patient", "patient-1001"), (Metadata(sam, "role"), Metadata(sam, "mem0_user_id")));
        var ada = zep.Store.GetUser("therapist-07")!; // no zep_user_id: keeps its mem0 id
        Assert.Equal(("dr.okafor@example.org", "therapist"), (ada.Email, Metadata(ada, "role")));

        // The mapped users' episodes and threads live under their Zep ids, complete.
        Assert.Equal(expected.Memories.Count(m => m.User == "patient-1001"), zep.Store.GetEpisodes("zep-patient-1001").Count);
        var aliceThreads = zep.Store.GetThreadsOfUser("zep-alice")!;
        Assert.NotEmpty(aliceThreads);
        Assert.All(aliceThreads, t => Assert.StartsWith("mem0-zep-alice-", t.ThreadId));
        Assert.Equal(expected.Messages.Count(m => m.User == "alice"), aliceThreads.Sum(t => zep.Store.GetMessages(t.ThreadId).Count));

        var line = first.UserLines.Single(u => u.User == "patient-1001");
        Assert.Equal(("zep-patient-1001", "patient"), (line.ZepUserId, line.Role));
        // A rerun (same ledger, then a new one) adds nothing to Zep and verifies every user.
        Assert.Equal((afterFirst.Users, afterFirst.Threads, afterFirst.Messages, afterFirst.Episodes),
            (afterRerun.Users, afterRerun.Threads, afterRerun.Messages, afterRerun.Episodes));
        Assert.Equal(RunStatus.Completed, onNewLedger.Status);
        Assert.Equal(onNewLedger.Users.Total, onNewLedger.Users.Verified);
        Assert.DoesNotContain("sam.rivera", JsonSerializer.Serialize(onNewLedger));
    }

    [Fact]
    public async Task Bad_rows_of_the_users_file_fail_with_file_row_and_field_and_the_other_users_migrate()
    {
        var paths = new[] { ExpectedExport.FixturePath("platform-v3-clinic-page.json") };
        var users = _folder.File("users.csv");
        await File.WriteAllTextAsync(users, """
            mem0_user_id,zep_user_id,email,first_name,last_name,role
            patient-1001,zep-1001,not-an-address,Sam,Rivera,patient
            patient-1002,zep-shared,,,,
            therapist-07,zep-shared,,,,surgeon
            """);
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await using var pipeline = await StartAsync(zep);

        var report = await RunAsync(pipeline, new RunRequest(paths, UsersFile: users));

        output.WriteLine(JsonSerializer.Serialize(report.Problems));
        Assert.Equal(RunStatus.CompletedWithErrors, report.Status);
        var reasons = report.Problems.Where(p => p.ItemKey.StartsWith("users-file:", StringComparison.Ordinal)).ToDictionary(p => p.Record, p => p.Reason!);
        Assert.Contains("users.csv row 2, field email", reasons[2]);
        Assert.Contains("users.csv row 3, field zep_user_id", reasons[3]);
        Assert.Contains("users.csv row 4, field zep_user_id", reasons[4]);
        Assert.Contains("users.csv row 4, field role", reasons[4]);
        // Users whose rows are bad are not migrated (their items fail with the reason); nothing of theirs is in Zep.
        Assert.All(new[] { "patient-1001", "patient-1002", "therapist-07" },
            u => Assert.Equal(UserStatus.Failed, report.UserLines.Single(l => l.User == u).Status));
        Assert.Empty(zep.Store.GetUsers());
        Assert.All(report.Problems.Where(p => p.User == "patient-1001" && !p.ItemKey.StartsWith("users-file:", StringComparison.Ordinal)),
            p => Assert.Contains("users.csv row 2", p.Reason));
        var everything = JsonSerializer.Serialize(report);
        foreach (var value in new[] { "not-an-address", "Rivera", "surgeon" }) Assert.DoesNotContain(value, everything);
        Assert.All(report.UserLines, u => Assert.Null(u.ZepUserId));

        // A retry never writes a user that could not be mapped (it would land under an id nobody meant).
        var retry = await pipeline.ControlAsync(c => c.RetryAsync(report.RunId, CancellationToken.None));
        output.WriteLine(retry.Message);
        var afterRetry = await pipeline.WaitForAsync(report.RunId, r => r.IsFinished, TimeSpan.FromMinutes(1), "the run's end");
        Assert.Empty(zep.Store.GetUsers());
        Assert.All(afterRetry.UserLines, u => Assert.Equal(UserStatus.Failed, u.Status));
    }

    [Fact]
    public async Task Other_users_migrate_beside_a_bad_row()
    {
        var paths = new[] { ExpectedExport.FixturePath("platform-v3-clinic-page.json") };
        var users = _folder.File("users.json");
        await File.WriteAllTextAsync(users, """
            {"users": [
              {"mem0_user_id": "patient-1001", "zep_user_id": "zep-1001", "email": "sam@", "role": "patient"},
              {"mem0_user_id": "patient-1002", "zep_user_id": "zep-1002", "first_name": "Kim", "role": "patient"}
            ]}
            """);
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await using var pipeline = await StartAsync(zep);

        var report = await RunAsync(pipeline, new RunRequest(paths, UsersFile: users));

        Assert.Equal(RunStatus.CompletedWithErrors, report.Status);
        Assert.Equal(UserStatus.Failed, report.UserLines.Single(l => l.User == "patient-1001").Status);
        Assert.Equal(UserStatus.Verified, report.UserLines.Single(l => l.User == "patient-1002").Status);
        Assert.Equal(UserStatus.Verified, report.UserLines.Single(l => l.User == "therapist-07").Status);
        Assert.Equal("Kim", zep.Store.GetUser("zep-1002")!.FirstName);
        Assert.NotNull(zep.Store.GetUser("therapist-07"));
        Assert.Null(zep.Store.GetUser("zep-1001"));
        Assert.Contains(report.Problems, p => p.Reason!.Contains("users.json entry 1, field email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_role_changed_in_zep_after_the_migration_is_reported_by_validation_as_differs_role()
    {
        var export = WriteClinicExport(("p-1", "m1", "2026-03-01T10:00:00Z", """{"role":"patient"}"""));
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        await using var pipeline = await StartAsync(zep);
        var report = await RunAsync(pipeline, new RunRequest([export]));
        Assert.Equal(RunStatus.Completed, report.Status);

        zep.Store.UpdateUser("p-1", u => u with { Metadata = WithRole(u.Metadata, "admin") });
        var revalidated = await pipeline.ControlAsync(c => c.RevalidateAsync(report.RunId, null, CancellationToken.None));
        var after = await pipeline.WaitForAsync(report.RunId, r => r.UserLines.Single().Status == UserStatus.Mismatched, TimeSpan.FromMinutes(1),
            "the user mismatched");

        output.WriteLine(revalidated.Message);
        var finding = Assert.Single(after.Findings);
        Assert.Equal(("p-1", "Differs", "role"), (finding.User, finding.Kind, finding.Field));
    }

    [Fact]
    public async Task An_existing_zep_user_keeps_its_profile_unless_update_users_patches_it()
    {
        var export = WriteClinicExport(("p-1", "m1", "2026-03-01T10:00:00Z", """{"role":"patient"}"""));
        var users = _folder.File("users.csv");
        await File.WriteAllTextAsync(users, "mem0_user_id,email,first_name\np-1,p1@example.org,Robin\n");
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        zep.Store.TryAddUser(new StoredUser
        {
            Uuid = Guid.NewGuid().ToString(), UserId = "p-1", Id = zep.Store.NextUserId(), GraphUuid = Guid.NewGuid().ToString(),
            Email = "old@example.org", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            Metadata = new Dictionary<string, JsonElement> { ["plan"] = JsonSerializer.SerializeToElement("gold") },
        });
        await using var pipeline = await StartAsync(zep);

        var kept = await RunAsync(pipeline, new RunRequest([export], UsersFile: users));
        Assert.Equal("old@example.org", zep.Store.GetUser("p-1")!.Email);
        Assert.Equal(0, kept.UpdatedUsers);
        Assert.Equal(UserStatus.Mismatched, kept.UserLines.Single().Status); // validation: Zep's profile is not the planned one
        Assert.Contains(kept.Findings, f => f.Field == "email");

        var updated = await RunAsync(pipeline, new RunRequest([export], UsersFile: users, UpdateUsers: true));

        var user = zep.Store.GetUser("p-1")!;
        Assert.Equal(("p1@example.org", "Robin"), (user.Email, user.FirstName));
        Assert.Equal(("patient", "p-1", "gold"), (Metadata(user, "role"), Metadata(user, "mem0_user_id"), Metadata(user, "plan")));
        Assert.Equal(1, updated.UpdatedUsers);
        Assert.True(updated.UserLines.Single().Updated);
        Assert.Equal(RunStatus.Completed, updated.Status);
        Assert.Single(zep.Store.GetEpisodes("p-1")); // the rerun wrote the memory once
    }

    private static string? Metadata(StoredUser? user, string key) =>
        user?.Metadata is { } m && m.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static Dictionary<string, JsonElement> WithRole(IReadOnlyDictionary<string, JsonElement>? metadata, string role) =>
        new(metadata ?? new Dictionary<string, JsonElement>()) { ["role"] = JsonSerializer.SerializeToElement(role) };

    /// <summary>An OSS <c>get_all</c> export (FORMATS.md) of memories of several users, each with its metadata.</summary>
    private string WriteClinicExport(params (string User, string Id, string CreatedAt, string? MetadataJson)[] memories)
    {
        var results = memories.Select(m => new Dictionary<string, object?>
        {
            ["id"] = m.Id,
            ["memory"] = $"Memory {m.Id} of {m.User}.",
            ["metadata"] = m.MetadataJson is null ? null : JsonDocument.Parse(m.MetadataJson).RootElement,
            ["created_at"] = m.CreatedAt,
            ["updated_at"] = m.CreatedAt,
            ["user_id"] = m.User,
        });
        var path = _folder.File("clinic.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { results }));
        return path;
    }
}
