using System.CommandLine;

namespace Pixelated.MigrationPipeline.Cli.Commands;

/// <summary>The options of a sync (repeated <c>migrate</c> runs over newer exports of one mem0 source), spelled the same everywhere.</summary>
internal static class SyncOptions
{
    public static Option<string?> Source() => new("--source")
    {
        Description = "The mem0 source this export comes from: its runs form one chain of syncs (default: the first export's file name without its date stamp)",
    };

    public static Option<bool> FullExport() => new("--full-export")
    {
        Description = "The export holds every live memory: a memory migrated before and absent from it was deleted in the source",
    };

    public static Option<bool> PropagateDeletes() => new("--propagate-deletes")
    {
        Description = "Delete in Zep the episodes of memories deleted in the source (marked deleted, or absent with --full-export); audited, listed in the report",
    };
}
