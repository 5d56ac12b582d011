using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.Sqlite
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TakenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Profiles = table.Column<long>(type: "INTEGER", nullable: false),
                    Completeness = table.Column<double>(type: "REAL", nullable: false),
                    Validity = table.Column<double>(type: "REAL", nullable: false),
                    Stale = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenReviews = table.Column<long>(type: "INTEGER", nullable: false),
                    QuarantineOpen = table.Column<long>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ReportJson = table.Column<string>(type: "TEXT", nullable: false)
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
