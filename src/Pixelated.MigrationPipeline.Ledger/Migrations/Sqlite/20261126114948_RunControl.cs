using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Pixelated.MigrationPipeline.Ledger.Views;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunControl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "assign_user_id",
                table: "runs",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_users_in_flight",
                table: "runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "requested_by",
                table: "runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "session_filter",
                table: "runs",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "started_via",
                table: "runs",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "status_reason",
                table: "runs",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "user_filter",
                table: "runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    run_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    outcome = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_at",
                table: "audit_log",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_run_id",
                table: "audit_log",
                column: "run_id");

            migrationBuilder.Sql(LedgerViewsV1.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerViewsV1.Drop);

            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropColumn(
                name: "assign_user_id",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "max_users_in_flight",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "requested_by",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "session_filter",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "started_via",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "status_reason",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "user_filter",
                table: "runs");
        }
    }
}
