using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StagingKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_staged_items_run_id_item_key",
                table: "staged_items");

            migrationBuilder.DropIndex(
                name: "ix_staged_items_run_id_user_key",
                table: "staged_items");

            migrationBuilder.CreateIndex(
                name: "ix_staged_items_run_id_user_key_item_key",
                table: "staged_items",
                columns: new[] { "run_id", "user_key", "item_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_staged_items_run_id_user_key_item_key",
                table: "staged_items");

            migrationBuilder.CreateIndex(
                name: "ix_staged_items_run_id_item_key",
                table: "staged_items",
                columns: new[] { "run_id", "item_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_staged_items_run_id_user_key",
                table: "staged_items",
                columns: new[] { "run_id", "user_key" });
        }
    }
}
