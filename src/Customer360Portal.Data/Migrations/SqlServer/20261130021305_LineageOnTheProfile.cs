using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.SqlServer
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
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "");

            // Keep the lineage already recorded: one JSON array per profile.
            migrationBuilder.Sql("""
                UPDATE c SET [LineageJson] = COALESCE((
                    SELECT l.[Field], l.[Value], l.[SourceKey], l.[SourceRecordId], l.[ObservedAt], l.[Rule]
                    FROM [FieldLineage] AS l WHERE l.[CustomerId] = c.[Id] FOR JSON PATH), N'')
                FROM [Customers] AS c;
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CustomerId = table.Column<long>(type: "bigint", nullable: false),
                    Field = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ObservedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Rule = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SourceKey = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SourceRecordId = table.Column<long>(type: "bigint", nullable: true),
                    Value = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: true)
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
