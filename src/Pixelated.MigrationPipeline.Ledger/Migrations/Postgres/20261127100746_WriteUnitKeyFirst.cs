using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pixelated.MigrationPipeline.Ledger.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WriteUnitKeyFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_zep_write_units",
                table: "zep_write_units");

            migrationBuilder.AddPrimaryKey(
                name: "pk_zep_write_units",
                table: "zep_write_units",
                columns: new[] { "idempotency_key", "target" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_zep_write_units",
                table: "zep_write_units");

            migrationBuilder.AddPrimaryKey(
                name: "pk_zep_write_units",
                table: "zep_write_units",
                columns: new[] { "target", "idempotency_key" });
        }
    }
}
