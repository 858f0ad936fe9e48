using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeltaSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "change",
                table: "staged_items",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "None");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "updated_at",
                table: "staged_items",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "version",
                table: "staged_items",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "full_export",
                table: "runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "previous_run_id",
                table: "runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "propagate_deletes",
                table: "runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "source_name",
                table: "runs",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_runs_source_name_created_at",
                table: "runs",
                columns: new[] { "source_name", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_runs_source_name_created_at",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "change",
                table: "staged_items");

            migrationBuilder.DropColumn(
                name: "updated_at",
                table: "staged_items");

            migrationBuilder.DropColumn(
                name: "version",
                table: "staged_items");

            migrationBuilder.DropColumn(
                name: "full_export",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "previous_run_id",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "propagate_deletes",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "source_name",
                table: "runs");
        }
    }
}
