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

        var before = Routes(zep);
        Assert.Equal(UserStatus.Verified, await ValidateAsync(host.Services, runId));
        var asked = Delta(before, Routes(zep));
        Assert.Equal(0, asked.GetValueOrDefault(GetUser));
        Assert.Equal(1, asked.GetValueOrDefault("POST /api/v2/graph/episodes/user/{userId}"));
        Assert.Equal(2, asked.GetValueOrDefault("GET /api/v2/threads/{threadId}/messages")); // two sessions

        Assert.True(zep.Store.DeleteUser(User));
        before = Routes(zep);
        Assert.Equal(UserStatus.Mismatched, await ValidateAsync(host.Services, runId));
        Assert.Equal(1, Delta(before, Routes(zep)).GetValueOrDefault(GetUser));
        await using var scope = host.Services.CreateAsyncScope();
        var findings = await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().Findings.Where(f => f.RunId == runId).ToListAsync();
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

        var before = Routes(zep);
        Assert.Equal(UserStatus.Mismatched, await ValidateAsync(host.Services, runId));
        Assert.Equal(1, Delta(before, Routes(zep)).GetValueOrDefault(GetUser)); // no episode came back: does the user exist?
        await using var check = host.Services.CreateAsyncScope();
        var findings = await check.ServiceProvider.GetRequiredService<LedgerDbContext>().Findings.Where(f => f.RunId == runId).ToListAsync();
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

        var before = Routes(zep);
        Assert.Equal(UserStatus.Verified, await ValidateAsync(host.Services, runId));
        var asked = Delta(before, Routes(zep));
        Assert.Equal(1, asked.GetValueOrDefault(GetUser));
        Assert.Equal(0, asked.GetValueOrDefault("POST /api/v2/graph/episodes/user/{userId}"));
    }

    private static async Task<UserStatus?> ValidateAsync(IServiceProvider services, Guid runId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserValidationService>().ValidateAsync(runId, User, CancellationToken.None);
    }

    private static Dictionary<string, long> Routes(ZepEmulatorHost zep) => zep.Store.GetStats().RequestsByRoute.ToDictionary();

    private static Dictionary<string, long> Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));
}
