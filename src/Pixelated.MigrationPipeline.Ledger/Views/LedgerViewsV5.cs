namespace Pixelated.MigrationPipeline.Ledger.Views;

/// <summary>
/// <c>v_migration_users</c> as in <see cref="LedgerViewsV3"/>, with three columns after <c>user_key</c> (the mem0 id):
/// <c>zep_user_id</c> (the id the user is written under in Zep: the mem0 id unless the users file or a prefix maps it; null
/// for a user that could not be mapped and is never written),
/// <c>role</c> (as written to the Zep user's metadata; null when neither the records nor the users file give one) and
/// <c>profile_updated</c> (an existing Zep user patched by <c>--update-users</c>). No e-mail or name: they are personal data.
/// The other three views stay (V4's runs view, V3's problems and findings). Frozen as V3 is.
/// </summary>
public static class LedgerViewsV5
{
    public const string DropUsers = "DROP VIEW IF EXISTS v_migration_users;";

    public const string CreateUsers = """
        CREATE VIEW v_migration_users AS
        SELECT u.run_id, u.user_key,
               CASE WHEN u.zep_user_id IS NULL THEN u.user_key WHEN u.zep_user_id = '' THEN NULL ELSE u.zep_user_id END AS zep_user_id,
               u.role, u.profile_updated,
               LOWER(u.status) AS status, u.error, u.updated_at, u.zep_requests,
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
        """;
}
