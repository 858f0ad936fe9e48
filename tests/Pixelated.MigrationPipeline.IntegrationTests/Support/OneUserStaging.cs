using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Conversion;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Support;

/// <summary>
/// Stages one queued user straight into the ledger, for tests that drive <c>UserMigrationService</c> directly: a run,
/// the user, its messages (two sessions, alternating user/assistant, a minute apart) and its memories (an hour apart).
/// </summary>
public static class OneUserStaging
{
    public static async Task<Guid> StageAsync(IServiceProvider services, string user, int messages, int memories)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var runId = Guid.NewGuid();
        var t0 = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        db.Runs.Add(new MigrationRun { Id = runId, Status = RunStatus.Migrating, CreatedAt = DateTimeOffset.UtcNow });
        db.RunUsers.Add(new RunUser { RunId = runId, UserKey = user, Status = UserStatus.Queued, UpdatedAt = DateTimeOffset.UtcNow });
        for (var i = 0; i < messages; i++)
        {
            var content = $"Message {i} of the session.";
            db.StagedItems.Add(new StagedItem
            {
                RunId = runId, UserKey = user, ItemKey = $"message:h-{i}", Kind = StagedItemKind.ConversationMessage, Status = ItemStatus.Staged,
                SourceFile = "history.json", RecordIndex = i, SessionId = $"s-{i % 2}", Role = i % 2 == 0 ? "user" : "assistant",
                Content = content, ContentHash = IdempotencyKey.ContentHash(content), CreatedAt = t0.AddMinutes(i), Sequence = i,
            });
        }
        for (var i = 0; i < memories; i++)
        {
            var content = $"Memory {i}: prefers morning sessions.";
            db.StagedItems.Add(new StagedItem
            {
                RunId = runId, UserKey = user, ItemKey = $"memory:m-{i}", Kind = StagedItemKind.Memory, Status = ItemStatus.Staged,
                SourceFile = "memories.json", RecordIndex = i, Content = content, ContentHash = IdempotencyKey.ContentHash(content),
                CreatedAt = t0.AddHours(i),
            });
        }
        await db.SaveChangesAsync();
        return runId;
    }
}
