using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class DataQuality : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "QualitySnapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    TakenAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Profiles = table.Column<long>(type: "bigint", nullable: false),
                    Completeness = table.Column<double>(type: "float", nullable: false),
                    Validity = table.Column<double>(type: "float", nullable: false),
                    Stale = table.Column<long>(type: "bigint", nullable: false),
                    OpenReviews = table.Column<long>(type: "bigint", nullable: false),
                    QuarantineOpen = table.Column<long>(type: "bigint", nullable: false),
                    DurationMs = table.Column<long>(type: "bigint", nullable: false),
                    Trigger = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: false),
                    ReportJson = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QualitySnapshots", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_QualitySnapshots_TakenAt",
                table: "QualitySnapshots",
                column: "TakenAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QualitySnapshots");
        }
    }
}
