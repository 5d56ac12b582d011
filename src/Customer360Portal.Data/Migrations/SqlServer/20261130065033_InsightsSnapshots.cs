using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InsightsSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InsightsSnapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Kind = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    DataThrough = table.Column<DateTime>(type: "datetime2", nullable: true),
                    DurationMs = table.Column<long>(type: "bigint", nullable: false),
                    Json = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InsightsSnapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InsightsStageMarks",
                columns: table => new
                {
                    CustomerId = table.Column<long>(type: "bigint", nullable: false),
                    Stage = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InsightsStageMarks", x => x.CustomerId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Customers_Status_LifecycleStage",
                table: "Customers",
                columns: new[] { "Status", "LifecycleStage" });

            migrationBuilder.CreateIndex(
                name: "IX_InsightsSnapshots_Kind",
                table: "InsightsSnapshots",
                column: "Kind",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InsightsStageMarks_Stage",
                table: "InsightsStageMarks",
                column: "Stage");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InsightsSnapshots");

            migrationBuilder.DropTable(
                name: "InsightsStageMarks");

            migrationBuilder.DropIndex(
                name: "IX_Customers_Status_LifecycleStage",
                table: "Customers");
        }
    }
}
