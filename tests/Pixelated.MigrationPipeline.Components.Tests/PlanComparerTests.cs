using System.Text.Json.Nodes;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Tests;

public class PlanComparerTests
{
    private static readonly UserPlan Plan = UserPlanner.Plan("u1",
        [Items.Memory("m1", "one"), Items.Memory("m2", "two"), Items.Memory("m3", "three"), Items.Message("h:0", "hello", "user", 0)]);

    private static readonly HashSet<string> All = ["memory:m1", "memory:m2", "memory:m3", "message:h:0"];

    private static ZepEpisode Echo(PlannedEpisode e, string? content = null, string? createdAt = null) =>
        new(Guid.NewGuid().ToString(), content ?? e.Request.Data, createdAt ?? e.Request.CreatedAt!, "text", (JsonObject)e.Request.Metadata!.DeepClone());

    private static Dictionary<string, IReadOnlyList<ZepMessage>> EchoMessages() =>
        Plan.Threads.ToDictionary(t => t.ThreadId, t => (IReadOnlyList<ZepMessage>)t.Batches.SelectMany(b => b.Messages).Select(m => m.Message).ToList());

    [Fact]
    public void What_zep_holds_exactly_once_gives_no_finding()
    {
        var findings = PlanComparer.Compare(Plan, All, Plan.Episodes.Select(e => Echo(e)).ToList(), EchoMessages());

        Assert.Empty(findings);
    }

    [Fact]
    public void Missing_duplicated_and_changed_items_are_each_reported_by_key_and_field()
    {
        var e = Plan.Episodes.ToDictionary(x => x.ItemKey);
        var episodes = new List<ZepEpisode>
        {
            Echo(e["memory:m1"]), Echo(e["memory:m1"]),                 // duplicated
            Echo(e["memory:m2"], content: "edited"),                      // content differs
            // m3 missing
        };
        var messages = EchoMessages();
        var thread = messages.Keys.Single();
        messages[thread] = [messages[thread][0] with { Role = "assistant", CreatedAt = "2020-01-01T00:00:00Z" }];

        var findings = PlanComparer.Compare(Plan, All, episodes, messages);

        Assert.Contains(new PlanComparer.Finding("memory:m1", FindingKind.Duplicated, "item"), findings);
        Assert.Contains(new PlanComparer.Finding("memory:m2", FindingKind.Differs, "content"), findings);
        Assert.Contains(new PlanComparer.Finding("memory:m3", FindingKind.Missing, "item"), findings);
        Assert.Contains(new PlanComparer.Finding("message:h:0", FindingKind.Differs, "role"), findings);
        Assert.Contains(new PlanComparer.Finding("message:h:0", FindingKind.Differs, "created_at"), findings);
        Assert.Equal(5, findings.Count);
    }

    private static HashSet<string> KnownKeys() =>
        Plan.Episodes.Select(e => e.Key).Concat(Plan.Threads.SelectMany(t => t.Batches).SelectMany(b => b.Messages).Select(m => m.Key)).ToHashSet();

    [Fact]
    public void Messages_in_our_threads_that_the_migration_did_not_write_and_unknown_keyed_episodes_are_extras()
    {
        var episodes = Plan.Episodes.Select(e => Echo(e)).ToList();
        var stranger = Echo(Plan.Episodes[0]);
        stranger.Metadata!["pxm_key"] = "not-ours";
        episodes.Add(stranger);
        episodes.Add(new ZepEpisode("from-a-thread", "zep's own episode", "2026-01-01T00:00:00Z", "message", null)); // left alone
        var messages = EchoMessages();
        var thread = messages.Keys.Single();
        messages[thread] = [.. messages[thread], new ZepMessage("added by someone", "user", Uuid: "m-extra")];

        var findings = PlanComparer.Compare(Plan, All, episodes, messages, KnownKeys());

        Assert.Equal(
            [new PlanComparer.Finding($"zep:episode:{stranger.Uuid}", FindingKind.Extra, "item"), new PlanComparer.Finding("zep:message:m-extra", FindingKind.Extra, "item")],
            findings);
        Assert.Empty(PlanComparer.Compare(Plan, All, Plan.Episodes.Select(e => Echo(e)).ToList(), EchoMessages(), KnownKeys()));
    }
}
