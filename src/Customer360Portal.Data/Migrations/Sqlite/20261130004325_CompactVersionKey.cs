using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompactVersionKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SourceRecords_SourceKey_ExternalId_PayloadHash",
                table: "SourceRecords");

            migrationBuilder.AddColumn<string>(
                name: "VersionKey",
                table: "SourceRecords",
                type: "TEXT",
                fixedLength: true,
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            // Records stored before this migration get their key from the hash they already have.
            migrationBuilder.Sql("UPDATE SourceRecords SET VersionKey = substr(PayloadHash, 1, 16);");

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_SourceKey_ExternalId_VersionKey",
                table: "SourceRecords",
                columns: new[] { "SourceKey", "ExternalId", "VersionKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SourceRecords_SourceKey_ExternalId_VersionKey",
                table: "SourceRecords");

            migrationBuilder.DropColumn(
                name: "VersionKey",
                table: "SourceRecords");

            migrationBuilder.CreateIndex(
                name: "IX_SourceRecords_SourceKey_ExternalId_PayloadHash",
                table: "SourceRecords",
                columns: new[] { "SourceKey", "ExternalId", "PayloadHash" },
                unique: true);
        }
    }
}
