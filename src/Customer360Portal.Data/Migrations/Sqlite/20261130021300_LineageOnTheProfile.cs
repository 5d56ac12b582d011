using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LineageOnTheProfile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LineageJson",
                table: "Customers",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Keep the lineage already recorded: one JSON array per profile (times as ISO 8601 UTC).
            migrationBuilder.Sql("""
                UPDATE "Customers" SET "LineageJson" = COALESCE((
                    SELECT json_group_array(json_object('Field', "Field", 'Value', "Value", 'SourceKey', "SourceKey",
                        'SourceRecordId', "SourceRecordId", 'ObservedAt', replace("ObservedAt", ' ', 'T') || 'Z', 'Rule', "Rule"))
                    FROM "FieldLineage" WHERE "FieldLineage"."CustomerId" = "Customers"."Id"), '');
                """);

            migrationBuilder.DropTable(
                name: "FieldLineage");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LineageJson",
                table: "Customers");

            migrationBuilder.CreateTable(
                name: "FieldLineage",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<long>(type: "INTEGER", nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ObservedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SourceKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SourceRecordId = table.Column<long>(type: "INTEGER", nullable: true),
                    Value = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FieldLineage", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FieldLineage_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FieldLineage_CustomerId_Field",
                table: "FieldLineage",
                columns: new[] { "CustomerId", "Field" });
        }
    }
}
