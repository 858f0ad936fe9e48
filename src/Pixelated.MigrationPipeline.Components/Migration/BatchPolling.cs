using Pixelated.MigrationPipeline.Zep;
using Pixelated.MigrationPipeline.Zep.Api;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>Waits for a processed batch to finish: polls with back-off (100 ms doubling to 5 s) until it is terminal.</summary>
public static class BatchPolling
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The batch's summary once terminal or invalid; null when Zep does not know it. A batch still a draft had its
    /// <c>process</c> lost, so it is processed again (a repeat answers 409, which is fine). Throws
    /// <see cref="TimeoutException"/> after <paramref name="timeoutSeconds"/>: the caller's retry polls again.
    /// </summary>
    public static async Task<BatchSummary?> UntilTerminalAsync(ZepClient zep, string batchId, int timeoutSeconds, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds);
        var delay = FirstPoll;
        while (true)
        {
            await Task.Delay(delay, ct);
            var summary = await zep.GetBatchAsync(batchId, ct);
            if (summary is null || summary.IsTerminal || summary.Status == BatchSummary.Invalid) return summary;
            if (summary.Status == BatchSummary.Draft) await zep.ProcessBatchAsync(batchId, ct);
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"Zep batch still {summary.Status} after {timeoutSeconds} s; the retry polls it again");
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }
}
