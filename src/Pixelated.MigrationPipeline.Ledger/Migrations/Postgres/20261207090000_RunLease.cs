using Microsoft.EntityFrameworkCore.Migrations;
using Pixelated.MigrationPipeline.Ledger.Views;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A run's lease (Unix ms), renewed by the processes hosting it; null for older runs (never shown interrupted).
            migrationBuilder.AddColumn<long>(
                name: "lease_expires_at_ms",
                table: "runs",
                type: "bigint",
                nullable: true);

            // v_migration_runs shows an unfinished run whose lease passed as 'interrupted': V4 (the other views stay V3's).
            migrationBuilder.Sql(LedgerViewsV4.DropRuns);
            migrationBuilder.Sql(LedgerViewsV4.CreateRunsPostgres);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerViewsV3.Drop);

            migrationBuilder.DropColumn(
                name: "lease_expires_at_ms",
                table: "runs");

            migrationBuilder.Sql(LedgerViewsV3.Create);
        }
    }
}
