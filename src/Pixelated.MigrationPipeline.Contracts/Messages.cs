namespace Pixelated.MigrationPipeline.Contracts;

/// <summary>Stage the given export files into the run's ledger, then queue one <see cref="MigrateUser"/> per user.</summary>
/// <param name="AssignUserId">User id for records of formats that carry none (plugin Markdown, OpenMemory REST, OSS history...).</param>
public sealed record IngestExport(Guid RunId, IReadOnlyList<string> Files, bool DryRun, string? AssignUserId = null);

/// <summary>Convert one user's staged items and write them to Zep (idempotently).</summary>
public sealed record MigrateUser(Guid RunId, string UserKey);

/// <summary>Read one user's data back from Zep and compare it with the staged items.</summary>
public sealed record ValidateUser(Guid RunId, string UserKey);

/// <summary>Every user of the export was staged and queued.</summary>
public sealed record ExportIngested(Guid RunId, int Users, int Items, int FailedRecords);

/// <summary>A user's items were written to Zep (or failed); validation follows.</summary>
public sealed record UserMigrated(Guid RunId, string UserKey, bool Succeeded);

/// <summary>A user reached a final state.</summary>
public sealed record UserValidated(Guid RunId, string UserKey, string Status);
