using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Components.Validation;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;
using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;
using Pixelated.ZepEmulator;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Validation reads the user's episodes and threads back from Zep. A user whose episodes come back exists, so Zep is
/// asked whether the user exists only when none do: one request fewer per user with memories, and a user deleted in Zep
/// is still found missing, with every item.
/// </summary>
public sealed class When_a_migrated_user_is_validated : IDisposable
{
    private const string User = "patient-validated";
    private const string GetUser = "GET /api/v2/users/{userId}";
    private readonly SqliteFolder _folder = new("validation");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Its_episodes_prove_it_exists_and_a_deleted_user_is_found_missing()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await ServiceHost.SqliteMigrationAsync(_folder.File("ledger.db"), zep, "sequential", _ => { });
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 4, memories: 3);
        Assert.True(await host.Services.MigrateUserAsync(runId, User));

        var (status, asked) = await ValidateAsync(zep, host.Services, runId);
        Assert.Equal(UserStatus.Verified, status);
        Assert.Equal(0, asked.GetValueOrDefault(GetUser));
        Assert.Equal(1, asked.GetValueOrDefault("POST /api/v2/graph/episodes/user/{userId}"));
        Assert.Equal(2, asked.GetValueOrDefault("GET /api/v2/threads/{threadId}/messages")); // two sessions

        Assert.True(zep.Store.DeleteUser(User));
        (status, asked) = await ValidateAsync(zep, host.Services, runId);
        Assert.Equal(UserStatus.Mismatched, status);
        Assert.Equal(1, asked.GetValueOrDefault(GetUser));
        var findings = await FindingsAsync(host.Services, runId);
        Assert.Equal(7, findings.Count);
        Assert.All(findings, f => Assert.Equal((FindingKind.Missing, "user"), (f.Kind, f.Field)));
    }

    [Fact]
    public async Task A_user_zep_holds_without_its_data_has_each_item_found_missing_not_the_user()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await ServiceHost.SqliteMigrationAsync(_folder.File("ledger.db"), zep, "sequential", _ => { });
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 4, memories: 3);
        await using (var scope = host.Services.CreateAsyncScope()) // as if migrated, but Zep got only the user
            await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().StagedItems.Where(i => i.RunId == runId)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, ItemStatus.Migrated));
        Assert.True(await host.Services.GetRequiredService<ZepClient>().CreateUserAsync(new CreateUserRequest(User), CancellationToken.None));

        var (status, asked) = await ValidateAsync(zep, host.Services, runId);
        Assert.Equal(UserStatus.Mismatched, status);
        Assert.Equal(1, asked.GetValueOrDefault(GetUser)); // no episode came back: does the user exist?
        var findings = await FindingsAsync(host.Services, runId);
        Assert.Equal(7, findings.Count);
        Assert.All(findings, f => Assert.Equal(FindingKind.Missing, f.Kind));
        Assert.DoesNotContain(findings, f => f.Field == "user");
    }

    [Fact]
    public async Task A_user_without_memories_is_asked_for_since_no_episode_can_prove_it_exists()
    {
        await using var zep = await ZepEmulatorHost.StartAsync(new EmulatorOptions());
        using var host = await ServiceHost.SqliteMigrationAsync(_folder.File("ledger.db"), zep, "sequential", _ => { });
        var runId = await OneUserStaging.StageAsync(host.Services, User, messages: 4, memories: 0);
        Assert.True(await host.Services.MigrateUserAsync(runId, User));

        var (status, asked) = await ValidateAsync(zep, host.Services, runId);
        Assert.Equal(UserStatus.Verified, status);
        Assert.Equal(1, asked.GetValueOrDefault(GetUser));
        Assert.Equal(0, asked.GetValueOrDefault("POST /api/v2/graph/episodes/user/{userId}"));
    }

    /// <summary>Validates the user in a scope of its own; its status, and the requests Zep served meanwhile by route.</summary>
    private static async Task<(UserStatus? Status, Dictionary<string, long> Asked)> ValidateAsync(ZepEmulatorHost zep, IServiceProvider services, Guid runId)
    {
        var before = zep.Store.GetStats().RequestsByRoute;
        await using var scope = services.CreateAsyncScope();
        var status = await scope.ServiceProvider.GetRequiredService<UserValidationService>().ValidateAsync(runId, User, CancellationToken.None);
        var asked = zep.Store.GetStats().RequestsByRoute.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));
        return (status, asked);
    }

    private static async Task<List<ValidationFinding>> FindingsAsync(IServiceProvider services, Guid runId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().Findings.Where(f => f.RunId == runId).ToListAsync();
    }
}
