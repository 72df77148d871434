using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ElectronicLicense.Licenses.Migrations.PostgreSql.Migrations
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LicenseVersionRecordId = table.Column<long>(type: "bigint", nullable: false),
                    EnqueuedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NotBeforeUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClaimToken = table.Column<Guid>(type: "uuid", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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
