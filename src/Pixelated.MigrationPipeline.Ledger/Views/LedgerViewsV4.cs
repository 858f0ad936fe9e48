namespace Pixelated.MigrationPipeline.Ledger.Views;

/// <summary>
/// <c>v_migration_runs</c> as in <see cref="LedgerViewsV3"/>, except that its <c>status</c> is <c>interrupted</c> for a run
/// that is <c>created</c>, <c>ingesting</c> or <c>migrating</c> whose lease (<c>runs.lease_expires_at_ms</c>) has passed:
/// no live process hosts it. Derived at read time from the database's clock, as the report does from the process's. The
/// other three views stay V3's. The current time in Unix milliseconds is spelled per provider. Frozen as V3 is.
/// </summary>
public static class LedgerViewsV4
{
    public const string DropRuns = "DROP VIEW IF EXISTS v_migration_runs;";

    public static readonly string CreateRunsPostgres = CreateRuns(NowMsPostgres);

    public static readonly string CreateRunsSqlite = CreateRuns(NowMsSqlite);

    /// <summary>The view's text, the same on both providers but for how the current time is spelled.</summary>
    private static string CreateRuns(string nowMs) => $$"""
        CREATE VIEW v_migration_runs AS
        SELECT r.id AS run_id,
               CASE WHEN r.status IN ('Created', 'Ingesting', 'Migrating') AND r.lease_expires_at_ms < {{nowMs}} THEN 'interrupted'
                    WHEN r.status = 'CompletedWithErrors' THEN 'completed_with_errors' WHEN r.status = 'DryRunCompleted' THEN 'dry_run_completed'
                    ELSE LOWER(r.status) END AS status,
               r.dry_run, r.started_via, r.requested_by, r.status_reason, r.error,
               r.created_at, r.ingested_at, r.finished_at, r.zep_requests + COALESCE(u.zep_requests, 0) AS zep_requests,
               r.max_users_in_flight,
               COALESCE(u.total, 0) AS users_total, COALESCE(u.verified, 0) AS users_verified,
               COALESCE(u.mismatched, 0) AS users_mismatched, COALESCE(u.failed, 0) AS users_failed,
               COALESCE(u.cancelled, 0) AS users_cancelled, COALESCE(u.skipped, 0) AS users_skipped,
               COALESCE(u.total, 0) - COALESCE(u.verified, 0) - COALESCE(u.mismatched, 0) - COALESCE(u.failed, 0)
                 - COALESCE(u.cancelled, 0) - COALESCE(u.skipped, 0) - COALESCE(u.planned, 0) AS users_in_progress,
               COALESCE(i.total, 0) AS items_total, COALESCE(i.migrated, 0) AS items_migrated,
               COALESCE(i.skipped, 0) AS items_skipped, COALESCE(i.failed, 0) AS items_failed,
               COALESCE(i.pending, 0) AS items_pending
        FROM runs r
        LEFT JOIN (SELECT run_id, COUNT(*) AS total,
                          SUM(CASE WHEN status = 'Verified' THEN 1 ELSE 0 END) AS verified,
                          SUM(CASE WHEN status = 'Mismatched' THEN 1 ELSE 0 END) AS mismatched,
                          SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) AS failed,
                          SUM(CASE WHEN status = 'Cancelled' THEN 1 ELSE 0 END) AS cancelled,
                          SUM(CASE WHEN status = 'Skipped' THEN 1 ELSE 0 END) AS skipped,
                          SUM(CASE WHEN status = 'Planned' THEN 1 ELSE 0 END) AS planned,
                          CAST(SUM(zep_requests) AS BIGINT) AS zep_requests
                   FROM run_users GROUP BY run_id) u ON u.run_id = r.id
        LEFT JOIN (SELECT run_id, COUNT(*) AS total,
                          SUM(CASE WHEN status = 'Migrated' THEN 1 ELSE 0 END) AS migrated,
                          SUM(CASE WHEN status = 'Skipped' THEN 1 ELSE 0 END) AS skipped,
                          SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) AS failed,
                          SUM(CASE WHEN status = 'Staged' THEN 1 ELSE 0 END) AS pending
                   FROM staged_items GROUP BY run_id) i ON i.run_id = r.id;
        """;

    private const string NowMsPostgres = "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)";
    private const string NowMsSqlite = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}
