using System.ComponentModel.DataAnnotations;

namespace Pixelated.MigrationPipeline.Components;

/// <summary>Bound from <c>Pipeline:</c>.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary><c>inmemory</c> (one process) or <c>rabbitmq</c> (distributed; <c>ConnectionStrings:RabbitMq</c>).</summary>
    [Required, RegularExpression("^(inmemory|rabbitmq)$", ErrorMessage = "Pipeline:Bus must be 'inmemory' or 'rabbitmq'.")]
    public string Bus { get; set; } = "inmemory";

    /// <summary>Folder watched by the worker for export files; empty disables the watcher.</summary>
    public string? DropFolder { get; set; }

    /// <summary>Users migrated at once by one process (and validated at once: the validation endpoint has the same limit).</summary>
    [Range(1, 256)]
    public int MigrateConcurrency { get; set; } = 8;

    /// <summary>Users of one run migrating at once across all workers (a run may set its own); the rest wait their turn.</summary>
    [Range(1, 100_000)]
    public int MaxUsersInFlight { get; set; } = 64;

    /// <summary>Files one run may read (after expanding folders); beyond them the rest is one failed item.</summary>
    [Range(1, 1_000_000)]
    public int MaxFilesPerRun { get; set; } = Staging.ExportFileRules.DefaultMaxFiles;

    /// <summary>Folder levels a run's walk descends below a folder it was given; deeper folders are failed items.</summary>
    [Range(1, 256)]
    public int MaxFolderDepth { get; set; } = Staging.ExportFileRules.DefaultMaxDepth;

    /// <summary>Runs ingested (staged) at once by one process, so one slow or stuck run does not hold every later run.</summary>
    [Range(1, 64)]
    public int IngestConcurrency { get; set; } = 4;

    /// <summary>Also migrate deleted / archived / expired memories (skipped with their reason by default).</summary>
    public bool IncludeInactive { get; set; }

    /// <summary>
    /// How long a run stays alive in the ledger without its lease being renewed; the processes working on a run renew it
    /// every third of this. An unfinished run whose lease expired shows as <c>interrupted</c>.
    /// </summary>
    [Range(2, 3600)]
    public int RunLeaseSeconds { get; set; } = 30;

    /// <summary>
    /// A host with consumers resumes the unfinished runs of its ledger whose lease expired: at start, and then whenever it
    /// renews its leases (in the distributed setup, a live worker takes over the runs of dead ones). False: they wait for <c>resume</c>.
    /// </summary>
    public bool ResumeOnStart { get; set; } = true;

    public bool UsesRabbitMq => string.Equals(Bus, "rabbitmq", StringComparison.OrdinalIgnoreCase);
}
