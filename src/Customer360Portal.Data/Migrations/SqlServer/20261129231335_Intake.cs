using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Intake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SyncCheckpoints");

            migrationBuilder.AddColumn<string>(
                name: "NormalizedJson",
                table: "SourceRecords",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "OccurredAt",
                table: "SourceRecords",
                type: "datetime2",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AlterColumn<string>(
                name: "Reason",
                table: "Quarantine",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(1000)",
                oldMaxLength: 1000);

            migrationBuilder.AddColumn<string>(
                name: "PayloadHash",
                table: "Quarantine",
                type: "nchar(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "BackfillDone",
                table: "DataSources",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "BackfillTotal",
                table: "DataSources",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Connector",
                table: "DataSources",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Cursor",
                table: "DataSources",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Duplicates",
                table: "DataSources",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "DataSources",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastRecordAt",
                table: "DataSources",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastRunAt",
                table: "DataSources",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastSuccessAt",
                table: "DataSources",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Quarantined",
                table: "DataSources",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "Received",
                table: "DataSources",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTime>(
                name: "RunRequestedAt",
                table: "DataSources",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SettingsJson",
                table: "DataSources",
                type: "nvarchar(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "DataSources",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "Stored",
                table: "DataSources",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "Suppressed",
                table: "DataSources",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "ProcessingMarks",
                columns: table => new
                {
                    Stage = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    LastSourceRecordId = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessingMarks", x => x.Stage);
                });

            migrationBuilder.CreateTable(
                name: "SourceApiKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    SourceKey = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Prefix = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    SecretHash = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastUsedAt = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SourceApiKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Quarantine_SourceKey_PayloadHash",
                table: "Quarantine",
                columns: new[] { "SourceKey", "PayloadHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SourceApiKeys_Prefix",
                table: "SourceApiKeys",
                column: "Prefix");

            migrationBuilder.CreateIndex(
                name: "IX_SourceApiKeys_SourceKey",
                table: "SourceApiKeys",
                column: "SourceKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProcessingMarks");

            migrationBuilder.DropTable(
                name: "SourceApiKeys");

            migrationBuilder.DropIndex(
                name: "IX_Quarantine_SourceKey_PayloadHash",
                table: "Quarantine");

            migrationBuilder.DropColumn(
                name: "NormalizedJson",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "OccurredAt",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "PayloadHash",
                table: "Quarantine");

            migrationBuilder.DropColumn(
                name: "BackfillDone",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "BackfillTotal",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "Connector",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "Cursor",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "Duplicates",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "LastRecordAt",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "LastRunAt",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "LastSuccessAt",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "Quarantined",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "Received",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "RunRequestedAt",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "SettingsJson",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "State",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "Stored",
                table: "DataSources");

            migrationBuilder.DropColumn(
                name: "Suppressed",
                table: "DataSources");

            migrationBuilder.AlterColumn<string>(
                name: "Reason",
                table: "Quarantine",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "nvarchar(2000)",
                oldMaxLength: 2000);

            migrationBuilder.CreateTable(
                name: "SyncCheckpoints",
                columns: table => new
                {
                    SourceKey = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Cursor = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncCheckpoints", x => x.SourceKey);
                });
        }
    }
}
