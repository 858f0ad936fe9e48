using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Users;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>How a user of an export becomes a Zep user: its id, role and profile (<see cref="UserDirectory"/>, <see cref="RoleTally"/>).</summary>
public sealed class UserDirectoryTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static UsersFile File(params UserProfileRow[] rows) => new("users.csv", rows, []);

    [Fact]
    public void When_the_records_disagree_the_most_recent_role_wins_and_the_values_are_named()
    {
        var roles = new RoleTally();
        roles.Observe("u", Day1.AddDays(2), """{"role":"patient"}""");
        roles.Observe("u", Day1, """{"role":"Therapist"}""");
        roles.Observe("u", null, null);

        var chosen = roles.For("u")!;

        Assert.Equal(("patient", "patient, therapist"), (chosen.Role, chosen.Conflict));
    }

    [Fact]
    public void When_records_share_an_instant_the_later_read_wins()
    {
        var roles = new RoleTally();
        roles.Observe("u", Day1, """{"role":"patient"}""");
        roles.Observe("u", Day1, """{"role":"admin"}""");

        Assert.Equal("admin", roles.For("u")!.Role);
    }

    [Theory]
    [InlineData("""{"role":" SUPPORT "}""", "support")]
    [InlineData("""{"role":"nurse"}""", "nurse")]
    [InlineData("""{"role":""}""", null)]
    [InlineData("""{"role":42}""", null)]
    [InlineData("""{"kind":"role"}""", null)]
    [InlineData("""["role"]""", null)]
    [InlineData("""{"role":"line\nbreak"}""", null)]
    public void A_records_role_is_a_platform_role_or_a_short_plain_value(string metadata, string? expected) =>
        Assert.Equal(expected, RoleTally.RoleOf(metadata));

    [Fact]
    public void An_unmapped_user_keeps_its_mem0_id_and_the_keys_it_always_had()
    {
        var resolution = UserDirectory.Resolve(["alice"], new RoleTally(), null, null);

        var target = resolution.Users["alice"].Target;
        Assert.Equal("alice", target.ZepUserId);
        var plan = UserPlanner.Plan(target, []);
        Assert.Equal(IdempotencyKey.ForUser("alice"), plan.User.Key);
        Assert.Equal("alice", plan.User.Request.UserId);
    }

    [Fact]
    public void The_users_file_maps_before_the_prefix_and_the_prefix_before_the_mem0_id()
    {
        var file = File(new UserProfileRow(2, "a", "zep-a", null, null, null, null), new UserProfileRow(3, "b", null, "b@example.org", null, null, "admin"));

        var users = UserDirectory.Resolve(["a", "b", "c"], new RoleTally(), file, "clinic-").Users;

        Assert.Equal(("zep-a", "clinic-b", "clinic-c"), (users["a"].Target.ZepUserId, users["b"].Target.ZepUserId, users["c"].Target.ZepUserId));
        Assert.Equal((2, 3, (int?)null), (users["a"].ProfileRow, users["b"].ProfileRow, users["c"].ProfileRow));
        Assert.Equal(("admin", "b@example.org"), (users["b"].Target.Role, users["b"].Target.Email));
    }

    [Fact]
    public void The_users_files_role_wins_over_the_records_and_leaves_no_conflict()
    {
        var roles = new RoleTally();
        roles.Observe("a", Day1, """{"role":"patient"}""");
        roles.Observe("a", Day1.AddDays(1), """{"role":"therapist"}""");
        var file = File(new UserProfileRow(2, "a", null, null, null, null, "support"));

        var user = UserDirectory.Resolve(["a"], roles, file, null).Users["a"];

        Assert.Equal(("support", (string?)null), (user.Target.Role, user.RoleConflict));
    }

    [Fact]
    public void A_mapping_onto_another_users_mem0_id_fails_both_users()
    {
        var file = File(new UserProfileRow(2, "a", "b", null, null, null, null));

        var users = UserDirectory.Resolve(["a", "b", "c"], new RoleTally(), file, null).Users;

        Assert.Contains("same Zep user id", users["a"].Failure);
        Assert.Contains("row 2, field zep_user_id", users["a"].Failure);
        Assert.Contains("same Zep user id", users["b"].Failure);
        Assert.Null(users["c"].Failure);
    }

    [Fact]
    public void A_user_whose_row_is_bad_is_not_migrated_and_the_row_is_a_failed_row()
    {
        var file = new UsersFile("users.csv", [], [new UsersFileProblem(4, "a", "email", "not a valid e-mail address")]);

        var resolution = UserDirectory.Resolve(["a", "b"], new RoleTally(), file, null);

        Assert.Contains("users.csv row 4, field email", resolution.Users["a"].Failure);
        Assert.Null(resolution.Users["b"].Failure);
        var row = Assert.Single(resolution.FailedRows);
        Assert.Equal((4, "a"), (row.Row, row.Mem0UserId));
    }

    [Fact]
    public void An_unreadable_users_file_fails_every_user_naming_the_file()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.csv");

        var resolution = UserDirectory.Load(["a", "b"], new RoleTally(), new UserMapping(missing));

        Assert.All(resolution.Users.Values, u => Assert.Contains(Path.GetFileName(missing), u.Failure));
        Assert.Single(resolution.FailedRows);
    }

    [Fact]
    public void A_mapped_user_is_planned_under_its_zep_id_with_role_and_profile_in_the_create_request()
    {
        var target = new UserTarget("patient-1", "zep-7", "therapist", "t@example.org", "Ada", "Okafor");

        var plan = UserPlanner.Plan(target, [Items.Memory("m1", "a fact"), Items.Message("s1-0", "hello", "user", 0, session: "s1")]);

        Assert.Equal(IdempotencyKey.ForUser("zep-7"), plan.User.Key);
        Assert.Equal("zep-7", plan.User.Request.UserId);
        Assert.Equal(("t@example.org", "Ada", "Okafor"), (plan.User.Request.Email, plan.User.Request.FirstName, plan.User.Request.LastName));
        Assert.Equal("therapist", plan.User.Request.Metadata!["role"]!.GetValue<string>());
        Assert.Equal("patient-1", plan.User.Request.Metadata!["mem0_user_id"]!.GetValue<string>());
        Assert.Equal("zep-7", Assert.Single(plan.Episodes).Request.UserId);
        Assert.Equal(IdempotencyKey.ForEpisode("zep-7", "memory:m1", 0), plan.Episodes[0].Key);
        Assert.Equal(UserPlanner.ThreadIdFor("zep-7", "s1"), Assert.Single(plan.Threads).ThreadId);
    }

    [Fact]
    public void A_role_outside_the_platforms_is_kept_as_mem0_role()
    {
        var request = UserPlanner.CreateUser(new UserTarget("n", "n", "nurse"));

        Assert.Null(request.Metadata!["role"]);
        Assert.Equal("nurse", request.Metadata!["mem0_role"]!.GetValue<string>());
    }

    [Fact]
    public void The_comparer_names_each_differing_field_and_never_a_value()
    {
        var planned = new UserTarget("m-1", "z-1", "patient", "a@example.org", "Ann", "Lee");
        var zep = new ZepUser("u", "z-1", new JsonObject { ["mem0_user_id"] = "m-1", ["role"] = "admin" }, null, "b@example.org", "Ann", "Li");

        var fields = UserProfileComparer.DifferingFields(planned, planned.ProfileHash, zep);

        Assert.Equal(["role", "email", "last_name"], fields);
    }

    [Fact]
    public void Once_the_profile_is_purged_it_is_compared_by_its_hash()
    {
        var planned = new UserTarget("m-1", "z-1", "patient", "a@example.org", "Ann", "Lee");
        var purged = planned with { Email = null, FirstName = null, LastName = null };
        var same = new ZepUser("u", "z-1", new JsonObject { ["mem0_user_id"] = "m-1", ["role"] = "patient" }, null, "a@example.org", "Ann", "Lee");

        Assert.Empty(UserProfileComparer.DifferingFields(purged, planned.ProfileHash, same));
        Assert.Equal(["profile"], UserProfileComparer.DifferingFields(purged, planned.ProfileHash, same with { FirstName = "Anne" }));
    }

    [Fact]
    public void The_update_keeps_zeps_other_metadata_and_sets_the_planned_keys()
    {
        var planned = new UserTarget("m-1", "z-1", "patient", "a@example.org");
        var zep = new ZepUser("u", "z-1", new JsonObject { ["plan"] = "gold", ["role"] = "admin" }, null);

        var update = UserProfileComparer.UpdateFor(planned, UserPlanner.CreateUser(planned), zep);

        Assert.Equal("gold", update.Metadata!["plan"]!.GetValue<string>());
        Assert.Equal("patient", update.Metadata!["role"]!.GetValue<string>());
        Assert.Equal("m-1", update.Metadata!["mem0_user_id"]!.GetValue<string>());
        Assert.Equal("a@example.org", update.Email);
    }
}
