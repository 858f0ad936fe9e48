namespace Pixelated.MigrationPipeline.Ledger.Views;

/// <summary>
/// The ledger's public read model for dashboards and reports (docs/ledger.md, "Views: the read model for dashboards"): plain SQL that runs the same on
/// PostgreSQL and SQLite. Frozen once released: a later change adds <c>LedgerViewsV2</c> in a new migration, so that old
/// migrations keep creating exactly what they created.
/// </summary>
public static class LedgerViewsV1
{
    public const string Create = """
        CREATE VIEW v_migration_runs AS
        SELECT r.id AS run_id, r.status, r.dry_run, r.started_via, r.requested_by, r.status_reason, r.error,
               r.created_at, r.ingested_at, r.finished_at, r.zep_requests, r.max_users_in_flight,
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
                          SUM(CASE WHEN status = 'Planned' THEN 1 ELSE 0 END) AS planned
                   FROM run_users GROUP BY run_id) u ON u.run_id = r.id
        LEFT JOIN (SELECT run_id, COUNT(*) AS total,
                          SUM(CASE WHEN status = 'Migrated' THEN 1 ELSE 0 END) AS migrated,
                          SUM(CASE WHEN status = 'Skipped' THEN 1 ELSE 0 END) AS skipped,
                          SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) AS failed,
                          SUM(CASE WHEN status = 'Staged' THEN 1 ELSE 0 END) AS pending
                   FROM staged_items GROUP BY run_id) i ON i.run_id = r.id;

        CREATE VIEW v_migration_users AS
        SELECT u.run_id, u.user_key, u.status, u.error, u.updated_at,
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
        SELECT run_id, user_key, item_key, kind, status, reason, source_file, record_index
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
