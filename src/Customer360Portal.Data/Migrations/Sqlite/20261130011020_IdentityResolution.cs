using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OriginCustomerId",
                table: "Scores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OriginCustomerId",
                table: "Notes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Anonymous",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "OriginCustomerId",
                table: "ConsentEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SourceRecordId",
                table: "ConsentEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Jobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    Done = table.Column<long>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RequestedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MatchKeys",
                columns: table => new
                {
                    KeyHash = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchKeys", x => new { x.KeyHash, x.CustomerId });
                });

            migrationBuilder.CreateTable(
                name: "MatchModels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TrainedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TrainedOnRecords = table.Column<int>(type: "INTEGER", nullable: false),
                    ModelJson = table.Column<string>(type: "TEXT", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchModels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MatchReviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LeftCustomerId = table.Column<long>(type: "INTEGER", nullable: false),
                    RightCustomerId = table.Column<long>(type: "INTEGER", nullable: false),
                    Probability = table.Column<double>(type: "REAL", nullable: false),
                    Weight = table.Column<double>(type: "REAL", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EvidenceJson = table.Column<string>(type: "TEXT", nullable: true),
                    SourceRecordId = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DecidedByUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecisionReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
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
