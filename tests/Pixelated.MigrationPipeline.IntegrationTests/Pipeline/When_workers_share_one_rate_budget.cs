using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Components.RateBudget;
using Pixelated.MigrationPipeline.IntegrationTests.Infrastructure;
using Pixelated.MigrationPipeline.Ledger;
using Pixelated.MigrationPipeline.Zep;
using Xunit.Abstractions;

namespace Pixelated.MigrationPipeline.IntegrationTests.Pipeline;

/// <summary>The ledger-backed budget: several budgets (as in several worker processes) over one PostgreSQL share one limit.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class When_workers_share_one_rate_budget(InfrastructureFixture infrastructure, ITestOutputHelper output)
{
    private async Task<PostgresRateBudget[]> BudgetsAsync(int count, int requestsPerMinute)
    {
        var ledger = await infrastructure.CreateDatabaseAsync("budget");
        var builder = new DbContextOptionsBuilder<PostgresLedgerDbContext>();
        builder.UseLedgerPostgres(ledger);
        await using (var db = new PostgresLedgerDbContext(builder.Options)) await db.Database.MigrateAsync();
        var zep = Options.Create(new ZepOptions { BaseUrl = new Uri("http://zep.test/api/v2"), ApiKey = "k", RequestsPerMinute = requestsPerMinute });
        var ledgerOptions = Options.Create(new LedgerOptions { Provider = "postgres", ConnectionString = ledger });
        return Enumerable.Range(0, count).Select(_ => new PostgresRateBudget(ledgerOptions, zep, TimeProvider.System)).ToArray();
    }

    [Fact]
    public async Task Together_they_never_take_more_permits_than_the_limit_allows()
    {
        const int rpm = 600; // 10 per second, a burst of 30
        var budgets = await BudgetsAsync(3, rpm);
        var started = DateTime.UtcNow;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var granted = 0;

        await Task.WhenAll(budgets.SelectMany(b => Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                while (true)
                {
                    await b.AcquireAsync(stop.Token);
                    Interlocked.Increment(ref granted);
                }
            }
            catch (OperationCanceledException) { }
        })));

        var elapsed = (DateTime.UtcNow - started).TotalSeconds;
        var allowed = 30 + rpm / 60.0 * elapsed + 1;
        output.WriteLine($"{granted} permits in {elapsed:0.0} s across 3 budgets (allowed at most {allowed:0})");
        Assert.True(granted <= allowed, $"{granted} permits exceed the {allowed:0} the limit allows");
        Assert.True(granted > 0);
    }

    [Fact]
    public async Task A_pause_that_zep_asked_one_worker_for_holds_the_others_too()
    {
        var budgets = await BudgetsAsync(2, requestsPerMinute: 6000);
        var until = DateTimeOffset.UtcNow.AddSeconds(2);

        await budgets[0].BlockUntilAsync(until, CancellationToken.None);
        await budgets[1].AcquireAsync(CancellationToken.None);

        Assert.True(DateTimeOffset.UtcNow >= until.AddMilliseconds(-50), "the second worker took a permit during the pause");
    }
}
