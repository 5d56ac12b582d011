using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Customer360Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProfileChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProfileChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProfileChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProfileChanges_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProfileChanges_CustomerId",
                table: "ProfileChanges",
                column: "CustomerId");

            // The search index used to follow a time mark; now it follows these notes: every active profile once, then the mark goes.
            migrationBuilder.Sql("INSERT INTO ProfileChanges (CustomerId) SELECT Id FROM Customers WHERE Status = 'Active'");
            migrationBuilder.Sql("DELETE FROM ProcessingMarks WHERE Stage = 'search-index'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProfileChanges");
        }
    }
}
