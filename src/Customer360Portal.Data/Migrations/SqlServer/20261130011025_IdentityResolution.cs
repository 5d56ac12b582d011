using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class IdentityResolution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "OriginCustomerId",
                table: "SourceRecords",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OriginCustomerId",
                table: "Scores",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OriginCustomerId",
                table: "Notes",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Anonymous",
                table: "Customers",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "OriginCustomerId",
                table: "ConsentEvents",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SourceRecordId",
                table: "ConsentEvents",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Jobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Kind = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    Done = table.Column<long>(type: "bigint", nullable: false),
                    Message = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    RequestedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MatchKeys",
                columns: table => new
                {
                    KeyHash = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchKeys", x => new { x.KeyHash, x.CustomerId });
                });

            migrationBuilder.CreateTable(
                name: "MatchModels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    TrainedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    TrainedOnRecords = table.Column<int>(type: "int", nullable: false),
                    ModelJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Active = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchModels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MatchReviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    LeftCustomerId = table.Column<long>(type: "bigint", nullable: false),
                    RightCustomerId = table.Column<long>(type: "bigint", nullable: false),
                    Probability = table.Column<double>(type: "float", nullable: false),
                    Weight = table.Column<double>(type: "float", nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    EvidenceJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    SourceRecordId = table.Column<long>(type: "bigint", nullable: true),
                    Status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    DecidedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    DecisionReason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchReviews", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_OriginCustomerId",
                table: "SourceRecords",
                column: "OriginCustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Kind_CreatedAt",
                table: "Jobs",
                columns: new[] { "Kind", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MatchKeys_CustomerId",
                table: "MatchKeys",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_MatchModels_Active",
                table: "MatchModels",
                column: "Active");

            migrationBuilder.CreateIndex(
                name: "IX_MatchReviews_LeftCustomerId_RightCustomerId",
                table: "MatchReviews",
                columns: new[] { "LeftCustomerId", "RightCustomerId" });

            migrationBuilder.CreateIndex(
                name: "IX_MatchReviews_RightCustomerId",
                table: "MatchReviews",
                column: "RightCustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_MatchReviews_Status_CreatedAt",
                table: "MatchReviews",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Jobs");

            migrationBuilder.DropTable(
                name: "MatchKeys");

            migrationBuilder.DropTable(
                name: "MatchModels");

            migrationBuilder.DropTable(
                name: "MatchReviews");

            migrationBuilder.DropIndex(
                name: "IX_SourceRecords_OriginCustomerId",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "OriginCustomerId",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "OriginCustomerId",
                table: "Scores");

            migrationBuilder.DropColumn(
                name: "OriginCustomerId",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "Anonymous",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "OriginCustomerId",
                table: "ConsentEvents");

            migrationBuilder.DropColumn(
                name: "SourceRecordId",
                table: "ConsentEvents");
        }
    }
}
