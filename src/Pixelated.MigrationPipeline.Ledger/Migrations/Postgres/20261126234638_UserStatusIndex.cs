using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UserStatusIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_run_users_run_id_status_user_key",
                table: "run_users",
                columns: new[] { "run_id", "status", "user_key" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_run_users_run_id_status_user_key",
                table: "run_users");
        }
    }
}
