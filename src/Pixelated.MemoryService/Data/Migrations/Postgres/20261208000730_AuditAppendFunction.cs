using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pixelated.MemoryService.Data.Migrations.Postgres
{
    /// <summary>
    /// <c>audit_append</c>: appends a batch of audit rows in one call (one round trip, autocommit). It takes the chain's
    /// advisory lock, reads the head in a statement of its own (a new snapshot, so it sees what the previous holder
    /// committed) and chains each row with the hash <c>AuditHash.Of</c> computes: SHA-256 (hex) of the previous hash, the
    /// instant (UTC, microseconds), actor, role, action, subject, session and outcome joined by U+001F.
    /// </summary>
    public partial class AuditAppendFunction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION audit_append(
                    p_at timestamptz, p_actor_ids text[], p_actor_roles text[], p_actions text[],
                    p_subjects text[], p_sessions text[], p_outcomes text[])
                RETURNS void LANGUAGE plpgsql VOLATILE AS $$
                DECLARE
                    previous text;
                    stamp text := to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
                BEGIN
                    PERFORM pg_advisory_xact_lock(5789462263983524180);
                    SELECT a.hash INTO previous FROM audit a ORDER BY a.id DESC LIMIT 1;
                    previous := coalesce(previous, repeat('0', 64));
                    FOR i IN 1 .. coalesce(array_length(p_actions, 1), 0) LOOP
                        INSERT INTO audit (at, actor_id, actor_role, action, subject_user_id, session_id, outcome, previous_hash, hash)
                        VALUES (p_at, p_actor_ids[i], p_actor_roles[i], p_actions[i], p_subjects[i], p_sessions[i], p_outcomes[i], previous,
                                encode(sha256(convert_to(concat_ws(chr(31), previous, stamp, p_actor_ids[i], p_actor_roles[i], p_actions[i],
                                    coalesce(p_subjects[i], ''), coalesce(p_sessions[i], ''), p_outcomes[i]), 'UTF8')), 'hex'))
                        RETURNING hash INTO previous;
                    END LOOP;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_append(timestamptz, text[], text[], text[], text[], text[], text[]);");
        }
    }
}
