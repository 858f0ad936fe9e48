using System.ComponentModel.DataAnnotations;

namespace Pixelated.MigrationPipeline.Zep;

/// <summary>Bound from <c>Zep:</c>. The API key comes from the <c>ZEP_API_KEY</c> environment variable (or user secrets), never from files.</summary>
public sealed class ZepOptions
{
    public const string Section = "Zep";
    public const string ApiKeyVariable = "ZEP_API_KEY";

    /// <summary>The API root including <c>/api/v2</c>, as in Zep's SDKs.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.getzep.com/api/v2");

    [Required(ErrorMessage = "The Zep API key is missing: set the ZEP_API_KEY environment variable, or Zep:Local=true to write to a local emulator instead of Zep.")]
    public string? ApiKey { get; set; }

    /// <summary>
    /// <c>Zep:Local=true</c>: write to a local ZepEmulator started in this process instead of Zep (one-process setup only).
    /// Hosts without a key refuse to start unless this is set; only the CLI's one-process default falls back to the emulator by itself.
    /// </summary>
    public bool Local { get; set; }

    /// <summary>Timeout of one HTTP attempt.</summary>
    [Range(1, 600)]
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// The account's requests-per-minute budget, shared by every worker (0 = no client-side limit; Zep's 429s and
    /// rate-limit headers still pause the pipeline). Set it a little under the plan's limit (Flex 600, Flex Plus 1,000).
    /// </summary>
    [Range(0, 1_000_000)]
    public int RequestsPerMinute { get; set; }

    /// <summary>How long the circuit stays open once Zep looks down (half the calls failing over 30 s).</summary>
    [Range(1, 600)]
    public int CircuitBreakSeconds { get; set; } = 15;

    /// <summary>How many times a 429 (or a request that never reached Zep) is retried.</summary>
    [Range(0, 50)]
    public int MaxRetries { get; set; } = 8;

    /// <summary>
    /// How a user's episodes and messages are written: <c>batch</c> (Batch API: one batch per user, items ≤ 350 per add call),
    /// <c>sequential</c> (graph.add / add-messages calls), or <c>auto</c> (batch, falling back to sequential for the rest of
    /// the process lifetime when Zep answers 404 to <c>POST /batches</c>). Users and threads are always created directly.
    /// </summary>
    [EnumDataType(typeof(ZepWriteMode), ErrorMessage = "Zep:WriteMode must be batch, sequential or auto.")]
    public ZepWriteMode WriteMode { get; set; } = ZepWriteMode.Auto;

    /// <summary>How long one attempt waits for a processing batch to finish before it gives up (the message is retried and polls again).</summary>
    [Range(1, 86_400)]
    public int BatchPollTimeoutSeconds { get; set; } = 600;

    /// <summary>Items per batch (Zep allows 50,000); a user with more pending items is written in several batches, one after another.</summary>
    [Range(1, 50_000)]
    public int MaxItemsPerBatch { get; set; } = 50_000;

    /// <summary>
    /// Episodes per call when episodes are written sequentially: up to 20 go in one deprecated <c>POST /graph-batch</c>
    /// (CONTRACT.md §6.1), falling back to one graph.add each for the rest of the process lifetime when Zep does not serve
    /// that route (404/405). 1 = always one graph.add per episode.
    /// </summary>
    [Range(1, 20)]
    public int EpisodesPerCall { get; set; } = 20;

    /// <summary>
    /// Users with at most 350 items to write share Batch API batches: a shared batch closes at this many items (or after
    /// <see cref="SharedBatchLingerMs"/>). 0 = every user gets a batch of its own.
    /// </summary>
    [Range(0, 50_000)]
    public int SharedBatchItems { get; set; } = 2_000;

    /// <summary>
    /// How long a shared batch waits for more users after its first joined, in milliseconds; with
    /// <see cref="RequestsPerMinute"/> set, at least the time of four requests at that rate (at most 2 s).
    /// </summary>
    [Range(0, 10_000)]
    public int SharedBatchLingerMs { get; set; } = 50;

    /// <summary>
    /// Names the Zep this deployment writes to when the base URL does not (the CLI's local emulator listens on a new port
    /// each time but keeps its data in one state file); empty: the base URL names it.
    /// </summary>
    [MaxLength(200)]
    public string? Account { get; set; }

    /// <summary>
    /// Identifies the Zep project in the ledger (write units, rate budget): what was confirmed written to one project says
    /// nothing about another, even on the same URL. The base URL (or <see cref="Account"/>) plus a short SHA-256 fingerprint
    /// of the API key (never the key).
    /// </summary>
    public string Target =>
        $"{(string.IsNullOrEmpty(Account) ? NormalisedBaseUrl.AbsoluteUri.ToLowerInvariant() : Account)}#{KeyFingerprint}";

    private string KeyFingerprint => string.IsNullOrEmpty(ApiKey)
        ? "no-key"
        : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ApiKey)))[..12];

    /// <summary>The API root with a trailing slash, so relative paths resolve under <c>/api/v2/</c>.</summary>
    public Uri NormalisedBaseUrl => BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
}

/// <summary>Value of <c>Zep:WriteMode</c>.</summary>
public enum ZepWriteMode
{
    Auto = 0,
    Batch = 1,
    Sequential = 2,
}

/// <summary>
/// The write mode in force for this process: <c>auto</c> uses the Batch API until Zep answers 404 to <c>POST /batches</c>,
/// then sequential calls for the rest of the process lifetime.
/// </summary>
public sealed class ZepWriteModeSelector(Microsoft.Extensions.Options.IOptions<ZepOptions> options)
{
    private int _batchUnavailable;

    public ZepWriteMode Configured => options.Value.WriteMode;

    public bool UseBatch => Configured == ZepWriteMode.Batch
                            || (Configured == ZepWriteMode.Auto && Volatile.Read(ref _batchUnavailable) == 0);

    /// <summary>Zep answered 404 to <c>POST /batches</c>: in <c>auto</c> mode, write sequentially from now on.</summary>
    public void BatchApiUnavailable() => Volatile.Write(ref _batchUnavailable, 1);

    private int _graphBatchUnavailable;

    /// <summary>Episodes written sequentially go in one <c>POST /graph-batch</c> per <see cref="ZepOptions.EpisodesPerCall"/> (1: one graph.add each).</summary>
    public int EpisodesPerCall => Volatile.Read(ref _graphBatchUnavailable) == 0 ? options.Value.EpisodesPerCall : 1;

    /// <summary>Zep answered 404/405 to <c>POST /graph-batch</c>: one graph.add per episode from now on.</summary>
    public void GraphBatchUnavailable() => Volatile.Write(ref _graphBatchUnavailable, 1);
}
