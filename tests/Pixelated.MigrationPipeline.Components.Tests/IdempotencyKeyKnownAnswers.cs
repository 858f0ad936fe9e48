using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Components.Staging;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Mem0;
using Pixelated.MigrationPipeline.Mem0.Model;

namespace Pixelated.MigrationPipeline.Components.Tests;

/// <summary>
/// Idempotency keys are a persistent contract between a ledger, the metadata of what Zep holds, and every later version of
/// this tool: a rerun recognises what is in Zep only if it derives the very same strings. These known answers are written
/// out by hand; a change of any of them duplicates a clinic's data on its next rerun, so it must fail the build instead.
/// </summary>
public sealed class IdempotencyKeyKnownAnswers
{
    [Fact]
    public void Each_key_of_fixed_inputs_is_the_fixed_string()
    {
        Assert.Equal("pxm_key", IdempotencyKey.MetadataKey);
        Assert.Equal("fbb5b10d984cba999742f7e81a0594d7", IdempotencyKey.ForUser("patient-1001"));
        Assert.Equal("24e1fa54778ad56798fdf19631dca203", IdempotencyKey.ForUser("пациент-१००१-患者"));
        Assert.Equal("2195db4d2293ebf93825875299bfdf0e", IdempotencyKey.ForThread("mem0-patient-1001-session-7"));
        Assert.Equal("6c64b74bf7b96a5efb9079ca24421980", IdempotencyKey.ForEpisode("patient-1001", "memory:c0a80001", 0));
        Assert.Equal("0204cdd5cda8ffdfad1d3dda870f109b", IdempotencyKey.ForEpisode("patient-1001", "memory:c0a80001", 2));
        Assert.Equal("b7d45496540bf66fdd05ffc24708319c", IdempotencyKey.ForMessage("mem0-patient-1001-session-7", "message:h1:input:0", 0));
        Assert.Equal("6f823dcf236333500b176ccdc80d8ac4",
            IdempotencyKey.ForMessageBatch(["7d20af11f397e1dfbe0f387121022c10", "640daa3fb74879fcc8b59092f1e99063"]));
        Assert.Equal("d43419280f96215ff01a12d77db6c1fc", IdempotencyKey.ForBatch("patient-1001"));
        Assert.Equal("7e11cefce052fa8f526e5686c09b6556", IdempotencyKey.ForBatchAdd("batch-0001", 3));
        Assert.Equal("2fe4441ebd45ecd1f05135b4f542013a", IdempotencyKey.ForBatchProcess("batch-0001"));
    }

    [Fact]
    public void Thread_ids_of_fixed_sessions_are_the_fixed_strings()
    {
        Assert.Equal("mem0-patient-1001-session-7", UserPlanner.ThreadIdFor("patient-1001", "session-7"));
        Assert.Equal("mem0-4cfad3a21183fa6980370b2eb2fef850", UserPlanner.ThreadIdFor("patient-1001", "séance 7/ü"));
    }

    /// <summary>
    /// The whole chain from a mem0 export file to the keys Zep holds: the reader's source ids, the ledger's item keys, the
    /// thread ids, the splitting of a long memory into parts, and the key derivation. Two real export shapes (a Platform v3
    /// page with a memory split in two parts, a Platform history with a conversation).
    /// </summary>
    [Fact]
    public async Task The_units_planned_from_two_sample_exports_carry_the_fixed_keys()
    {
        var expected = new[]
        {
            "user alice d7163f80a4b7a40891a70229951dc43c",
            "thread mem0-alice-trip-planning-2026-06 614a0125a1c26a1bd20f4ba41f080681",
            "messages a7dd9c7ae6e07d3a72fb9a11b6b0a772",
            "message message:d5bb3746-fdf8-424d-ba9d-3d7d407756a9:input:0/0 7d20af11f397e1dfbe0f387121022c10",
            "message message:d5bb3746-fdf8-424d-ba9d-3d7d407756a9:input:1/0 640daa3fb74879fcc8b59092f1e99063",
            "message message:624423f1-04b4-404c-8d55-d1cb82fa8ae4:input:0/0 beac84573a155b03663d3a46061e769b",
            "message message:624423f1-04b4-404c-8d55-d1cb82fa8ae4:input:1/0 989ac084aa3769697c06151fbaeb4f58",
            "user patient-1001 fbb5b10d984cba999742f7e81a0594d7",
            "episode memory:c0a80001-5b1e-4c2a-9f00-000000000001/0 a82fe3b4baceeff5dfd9009a36f9c3b8",
            "episode memory:c0a80003-5b1e-4c2a-9f00-000000000003/0 3e07c595bada64b11b106ae83b6bb7e1",
            "episode memory:c0a80002-5b1e-4c2a-9f00-000000000002/0 2a5c3b7471e3abf05a14bbb183251d0f",
            "user patient-1002 f4a3f16685e56a68c95d8e8f7bdf616d",
            "episode memory:c0a80004-5b1e-4c2a-9f00-000000000004/0 60b12dd0c9d9e24f44062311012b1ace",
            "episode memory:c0a80005-5b1e-4c2a-9f00-000000000005/0 4f4af8d49c71d3bbc892bc6d797bc6d3",
            "episode memory:c0a80005-5b1e-4c2a-9f00-000000000005/1 b644cbafa87c844f651ce3b2e0033dda",
            "episode memory:c0a80006-5b1e-4c2a-9f00-000000000006/0 817cd6bce83b8d17d59db59b56273b15",
            "user therapist-07 a82e56708dd4b9789c25d058e47ec547",
            "episode memory:c0a80007-5b1e-4c2a-9f00-000000000007/0 44e15b28091c976845a904dec0cce484",
        };

        var items = new List<StagedItem>();
        var reader = new Mem0ExportReader();
        foreach (var file in new[] { "platform-v3-clinic-page.json", "platform-history.json" })
            await foreach (var outcome in reader.ReadAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)))
                if (outcome is ItemRead read) items.Add(StagedItemFactory.FromItem(Guid.Empty, read.Item, includeInactive: false));

        var actual = new List<string>();
        foreach (var user in items.Where(i => i.Status == ItemStatus.Staged).GroupBy(i => i.UserKey).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var plan = UserPlanner.Plan(user.Key, user);
            actual.Add($"user {user.Key} {plan.User.Key}");
            foreach (var thread in plan.Threads)
            {
                actual.Add($"thread {thread.ThreadId} {thread.Key}");
                foreach (var batch in thread.Batches)
                {
                    actual.Add($"messages {batch.Key}");
                    actual.AddRange(batch.Messages.Select(m => $"message {m.ItemKey}/{m.Part} {m.Key}"));
                }
            }
            actual.AddRange(plan.Episodes.Select(e => $"episode {e.ItemKey}/{e.Part} {e.Key}"));
        }

        Assert.Equal(expected, actual);
    }
}
