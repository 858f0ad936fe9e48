using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Conversion;

/// <summary>Everything one user becomes in Zep, with an idempotency key per write unit. A pure function of the staged items.</summary>
public sealed record UserPlan(
    PlannedUser User,
    IReadOnlyList<PlannedThread> Threads,
    IReadOnlyList<PlannedEpisode> Episodes)
{
    public IEnumerable<string> AllKeys =>
        new[] { User.Key }
            .Concat(Threads.Select(t => t.Key))
            .Concat(Threads.SelectMany(t => t.Batches).Select(b => b.Key))
            .Concat(Episodes.Select(e => e.Key));

    /// <summary>The write units that carry (part of) an item: its episodes, or its message batches and their thread.</summary>
    public IEnumerable<string> KeysOf(string itemKey) =>
        Episodes.Where(e => e.ItemKey == itemKey).Select(e => e.Key)
            .Concat(Threads.SelectMany(t => t.Batches
                .Where(b => b.Messages.Any(m => m.ItemKey == itemKey))
                .SelectMany(b => new[] { t.Key, b.Key })));
}

public sealed record PlannedUser(string Key, CreateUserRequest Request);

public sealed record PlannedThread(string Key, string ThreadId, IReadOnlyList<PlannedMessageBatch> Batches);

/// <summary>One add-messages call (≤ 30 messages).</summary>
public sealed record PlannedMessageBatch(string Key, IReadOnlyList<PlannedMessage> Messages);

/// <summary>One Zep message: a source message, or one part of a long one.</summary>
public sealed record PlannedMessage(string Key, string ItemKey, int Part, ZepMessage Message);

/// <summary>One graph episode: a memory, or one part of a long one.</summary>
public sealed record PlannedEpisode(string Key, string ItemKey, int Part, AddDataRequest Request);
