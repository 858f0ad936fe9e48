using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Zep;

/// <summary>
/// Waiting for and tidying up Zep batches (CONTRACT.md §5), on the Zep client: polling a processed batch until it ends,
/// deleting drafts given up, and telling what became of a batch an earlier attempt left behind. Time comes from the
/// registered <see cref="TimeProvider"/>, so waits can be tested without sleeping.
/// </summary>
public sealed class ZepBatches(ZepClient zep, TimeProvider clock, IOptions<ZepOptions> options)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The batch's summary once terminal or invalid, polling with back-off (100 ms doubling to 5 s); null when Zep does not
    /// know it. A batch still a draft had its <c>process</c> lost, so it is processed again (a repeat answers 409, which is
    /// fine). Throws <see cref="TimeoutException"/> after <c>Zep:BatchPollTimeoutSeconds</c>: the caller's retry polls again.
    /// </summary>
    public async Task<BatchSummary?> UntilTerminalAsync(string batchId, CancellationToken ct)
    {
        var timeoutSeconds = options.Value.BatchPollTimeoutSeconds;
        var deadline = clock.GetUtcNow().AddSeconds(timeoutSeconds);
        var delay = FirstPoll;
        while (true)
        {
            await Task.Delay(delay, clock, ct);
            var summary = await zep.GetBatchAsync(batchId, ct);
            if (summary is null || summary.IsTerminal || summary.Status == BatchSummary.Invalid) return summary;
            if (summary.Status == BatchSummary.Draft) await zep.ProcessBatchAsync(batchId, ct);
            if (clock.GetUtcNow() > deadline)
                throw new TimeoutException($"Zep batch still {summary.Status} after {timeoutSeconds} s; the retry polls it again");
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>
    /// Deletes a draft (or invalid) batch, best effort: batches given up are never processed, so nothing of them lands, and
    /// deleting only tidies the account; a failure to reach Zep is ignored.
    /// </summary>
    public async Task TryDeleteDraftAsync(string batchId, CancellationToken ct)
    {
        try { await zep.DeleteBatchAsync(batchId, ct); }
        catch (Exception e) when (ZepFailure.Classify(e) is not null || e is TimeoutException) { }
    }

    /// <summary>
    /// What became of a batch an earlier attempt filled and may have processed: true when it never was processed and never
    /// will be (invalid, or a draft, which is deleted now); false once it has finished (a batch still processing is waited
    /// for) or when Zep does not know it: its items must then be read back before anything of them is written again.
    /// </summary>
    public async Task<bool> NeverProcessedAsync(string batchId, CancellationToken ct)
    {
        var summary = await zep.GetBatchAsync(batchId, ct);
        if (summary is { IsTerminal: false } && summary.Status is not (BatchSummary.Draft or BatchSummary.Invalid))
            summary = await UntilTerminalAsync(batchId, ct);
        return summary?.Status == BatchSummary.Invalid
               || (summary?.Status == BatchSummary.Draft && await zep.DeleteBatchAsync(batchId, ct));
    }
}
