using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.IntegrationTests.Support;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Ledger.Entities;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Every migrated user first loads its write units by their idempotency keys within the Zep target (one lookup of ~20
/// keys). All units of a ledger usually share one target, so the lookup must find the keys through the index, not read
/// every unit of the target and filter them: that made the lookup grow with the ledger (7 ms per user at 18,000 units,
/// quadratic over a run). The table's statistics are as stale as in a first big run (never analysed since it filled up).
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_a_users_write_units_are_looked_up(InfrastructureFixture infrastructure)
{
    private const string Target = "https://api.getzep.com/api/v2/#account";

    [Fact]
    public async Task PostgreSQL_finds_them_by_key_through_the_index_whatever_the_ledgers_size()
    {
        var ledger = await infrastructure.CreateDatabaseAsync("unit_lookup");
        using (var host = await ServiceHost.LedgerOnlyAsync(ledger, _ => { }))
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            var runId = Guid.NewGuid();
            db.WriteUnits.AddRange(Enumerable.Range(0, 6_000).Select(i => new ZepWriteUnit
            {
                Target = Target, IdempotencyKey = $"key-{i:D5}", UserKey = $"patient-{i / 18:D4}", Kind = WriteUnitKind.Episode,
                State = WriteState.Confirmed, LastRunId = runId, UpdatedAt = DateTimeOffset.UtcNow,
            }));
            await db.SaveChangesAsync();
        }

        // The lookup's statement as EF Core sends it (UserLedgerQueries.WriteUnitsAsync), for one user's 18 keys.
        await using var connection = new NpgsqlConnection(ledger);
        await connection.OpenAsync();
        await using var explain = new NpgsqlCommand(
            "EXPLAIN (ANALYZE, FORMAT TEXT) SELECT * FROM zep_write_units AS z WHERE z.target = @target AND z.idempotency_key = ANY (@keys)", connection);
        explain.Parameters.AddWithValue("target", Target);
        explain.Parameters.AddWithValue("keys", Enumerable.Range(3_000, 18).Select(i => $"key-{i:D5}").ToArray());
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        var text = string.Join('\n', plan);

        Assert.Contains("pk_zep_write_units", text);
        Assert.Contains(plan, line => line.Contains("Index Cond") && line.Contains("idempotency_key"));
        Assert.DoesNotContain("Rows Removed by", text); // no unit read only to be filtered out
        Assert.Contains("rows=18", text);
    }
}
