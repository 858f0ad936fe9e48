using Pixelated.MigrationPipeline.Zep;

namespace Pixelated.MigrationPipeline.Components.Migration;

/// <summary>Batches given up are never processed, so nothing of them lands; deleting the draft only tidies the account.</summary>
public static class BatchDrafts
{
    /// <summary>Deletes a draft (or invalid) batch, best effort: a failure to reach Zep is ignored.</summary>
    public static async Task TryDeleteAsync(ZepClient zep, string batchId, CancellationToken ct)
    {
        try { await zep.DeleteBatchAsync(batchId, ct); }
        catch (Exception e) when (ZepFailure.Classify(e) is not null || e is TimeoutException) { }
    }
}
