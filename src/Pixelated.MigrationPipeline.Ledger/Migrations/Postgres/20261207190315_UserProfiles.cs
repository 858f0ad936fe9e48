using Microsoft.EntityFrameworkCore.Migrations;
using Pixelated.MigrationPipeline.Ledger.Views;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UserProfiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "update_users",
                table: "runs",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "user_prefix",
                table: "runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "users_file",
                table: "runs",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "email",
                table: "run_users",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "first_name",
                table: "run_users",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_name",
                table: "run_users",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "profile_hash",
                table: "run_users",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "profile_row",
                table: "run_users",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "profile_updated",
                table: "run_users",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "role",
                table: "run_users",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "role_conflict",
                table: "run_users",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "zep_user_id",
                table: "run_users",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            // v_migration_users shows the Zep user id, the role and whether the user was patched: V5 (the other views stay).
            migrationBuilder.Sql(LedgerViewsV5.DropUsers);
            migrationBuilder.Sql(LedgerViewsV5.CreateUsers);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerViewsV3.Drop);

            migrationBuilder.DropColumn(
                name: "update_users",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "user_prefix",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "users_file",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "email",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "first_name",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "last_name",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "profile_hash",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "profile_row",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "profile_updated",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "role",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "role_conflict",
                table: "run_users");

            migrationBuilder.DropColumn(
                name: "zep_user_id",
                table: "run_users");

            migrationBuilder.Sql(LedgerViewsV3.Create);
            migrationBuilder.Sql(LedgerViewsV4.DropRuns);
            migrationBuilder.Sql(LedgerViewsV4.CreateRunsPostgres);
        }
    }
}
