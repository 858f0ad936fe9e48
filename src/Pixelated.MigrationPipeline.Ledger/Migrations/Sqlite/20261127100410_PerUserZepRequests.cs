using Microsoft.EntityFrameworkCore.Migrations;
using Pixelated.MigrationPipeline.Ledger.Views;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PerUserZepRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The views read run_users: dropped first, created again in their V2 form (run total = run + users' counts).
            migrationBuilder.Sql(LedgerViewsV1.Drop);

            migrationBuilder.AddColumn<long>(
                name: "zep_requests",
                table: "run_users",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql(LedgerViewsV2.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerViewsV2.Drop);

            migrationBuilder.DropColumn(
                name: "zep_requests",
                table: "run_users");

            migrationBuilder.Sql(LedgerViewsV1.Create);
        }
    }
}
