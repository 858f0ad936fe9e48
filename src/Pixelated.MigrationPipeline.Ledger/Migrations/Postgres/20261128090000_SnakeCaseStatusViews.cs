using Microsoft.EntityFrameworkCore.Migrations;
using Pixelated.MigrationPipeline.Ledger.Views;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SnakeCaseStatusViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The views show statuses by their wire names (completed_with_errors, verified...), as every interface does: V3.
            migrationBuilder.Sql(LedgerViewsV2.Drop);
            migrationBuilder.Sql(LedgerViewsV3.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerViewsV3.Drop);
            migrationBuilder.Sql(LedgerViewsV2.Create);
        }
    }
}
