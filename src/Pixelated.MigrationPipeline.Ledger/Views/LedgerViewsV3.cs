namespace Pixelated.MigrationPipeline.Ledger.Views;

/// <summary>
/// The ledger views with statuses in the one vocabulary of every interface (<see cref="Entities.StatusNames"/>: snake_case,
/// <c>completed_with_errors</c>, <c>verified</c>, <c>failed</c>...): <c>v_migration_runs.status</c>,
/// <c>v_migration_users.status</c> and <c>v_migration_item_problems.status</c>. The tables keep the enum names; every
/// user and item status is one word (its wire name is its lower case), the run's two-word ones are spelled out.
/// Otherwise as <see cref="LedgerViewsV2"/>, and frozen the same way.
/// </summary>
public static class LedgerViewsV3
{
    public const string Create = """
        CREATE VIEW v_migration_runs AS
        SELECT r.id AS run_id,
               CASE r.status WHEN 'CompletedWithErrors' THEN 'completed_with_errors' WHEN 'DryRunCompleted' THEN 'dry_run_completed'
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

        CREATE VIEW v_migration_users AS
        SELECT u.run_id, u.user_key, LOWER(u.status) AS status, u.error, u.updated_at, u.zep_requests,
               COALESCE(i.total, 0) AS items_total, COALESCE(i.migrated, 0) AS items_migrated,
               COALESCE(i.skipped, 0) AS items_skipped, COALESCE(i.failed, 0) AS items_failed,
               COALESCE(i.pending, 0) AS items_pending, COALESCE(f.findings, 0) AS findings
        FROM run_users u
        LEFT JOIN (SELECT run_id, user_key, COUNT(*) AS total,
                          SUM(CASE WHEN status = 'Migrated' THEN 1 ELSE 0 END) AS migrated,
                          SUM(CASE WHEN status = 'Skipped' THEN 1 ELSE 0 END) AS skipped,
                          SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) AS failed,
                          SUM(CASE WHEN status = 'Staged' THEN 1 ELSE 0 END) AS pending
                   FROM staged_items GROUP BY run_id, user_key) i ON i.run_id = u.run_id AND i.user_key = u.user_key
        LEFT JOIN (SELECT run_id, user_key, COUNT(*) AS findings
                   FROM validation_findings GROUP BY run_id, user_key) f ON f.run_id = u.run_id AND f.user_key = u.user_key;

        CREATE VIEW v_migration_item_problems AS
        SELECT run_id, user_key, item_key, kind, LOWER(status) AS status, reason, source_file, record_index
        FROM staged_items
        WHERE status IN ('Skipped', 'Failed');

        CREATE VIEW v_validation_findings AS
        SELECT run_id, user_key, item_key, kind, field, found_at
        FROM validation_findings;
        """;

    public const string Drop = """
        DROP VIEW IF EXISTS v_validation_findings;
        DROP VIEW IF EXISTS v_migration_item_problems;
        DROP VIEW IF EXISTS v_migration_users;
        DROP VIEW IF EXISTS v_migration_runs;
        """;
}
