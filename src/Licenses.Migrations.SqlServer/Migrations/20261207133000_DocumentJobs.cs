using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ElectronicLicense.Licenses.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class DocumentJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "document_jobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    LicenseVersionRecordId = table.Column<long>(type: "bigint", nullable: false),
                    EnqueuedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    NotBeforeUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ClaimToken = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    LastError = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_document_jobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_document_jobs_license_versions_LicenseVersionRecordId",
                        column: x => x.LicenseVersionRecordId,
                        principalTable: "license_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_document_jobs_LicenseVersionRecordId",
                table: "document_jobs",
                column: "LicenseVersionRecordId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_document_jobs_NotBeforeUtc_Id",
                table: "document_jobs",
                columns: new[] { "NotBeforeUtc", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "document_jobs");
        }
    }
}
