using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ElectronicLicense.Licenses.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "archive_exports",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    SelectionJson = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Exported = table.Column<int>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    HeartbeatAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_archive_exports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "archive_outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LicenseId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CaseNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EnqueuedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_archive_outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "archive_packages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LicenseId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CaseNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StoreKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    PackageSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ArchivalCode = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    FileCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Retention = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RetainUntilUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RetentionEnforced = table.Column<bool>(type: "INTEGER", nullable: false),
                    ArchivedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_archive_packages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "audit_details",
                columns: table => new
                {
                    idx = table.Column<long>(type: "INTEGER", nullable: false),
                    holder_code = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    agent_code = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    officer_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_details", x => x.idx);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    idx = table.Column<long>(type: "INTEGER", nullable: false),
                    at_unix_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    leaf = table.Column<byte[]>(type: "BLOB", nullable: false),
                    leaf_hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    license_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.idx);
                });

            migrationBuilder.CreateTable(
                name: "audit_nodes",
                columns: table => new
                {
                    lvl = table.Column<int>(type: "INTEGER", nullable: false),
                    idx = table.Column<long>(type: "INTEGER", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_nodes", x => new { x.lvl, x.idx });
                });

            migrationBuilder.CreateTable(
                name: "audit_tree_heads",
                columns: table => new
                {
                    tree_size = table.Column<long>(type: "INTEGER", nullable: false),
                    timestamp_unix_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    root_hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    key_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    signature = table.Column<byte[]>(type: "BLOB", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_tree_heads", x => x.tree_size);
                });

            migrationBuilder.CreateTable(
                name: "departments",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    ParentCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    Roles = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_departments", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "grants",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    HolderCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    AgentCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    GranteeCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    TypeCodesJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    FieldsJson = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NotBeforeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NotAfterUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MaxUses = table.Column<int>(type: "INTEGER", nullable: false),
                    Uses = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grants", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "licenses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TypeCode = table.Column<string>(type: "TEXT", maxLength: 21, nullable: false),
                    IssuerCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Serial = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HolderCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    HolderName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    HolderCodeType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CurrentVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_licenses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "presentations",
                columns: table => new
                {
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LicenseId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HolderCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RedeemedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RedeemedBy = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_presentations", x => x.CodeHash);
                });

            migrationBuilder.CreateTable(
                name: "seals",
                columns: table => new
                {
                    EsId = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Encoded = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SignerCertificateSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ValidFromUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ValidUntilUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevocationReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_seals", x => x.EsId);
                });

            migrationBuilder.CreateTable(
                name: "serial_counters",
                columns: table => new
                {
                    TypeCode = table.Column<string>(type: "TEXT", maxLength: 21, nullable: false),
                    IssuerCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Next = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_serial_counters", x => new { x.TypeCode, x.IssuerCode, x.Year });
                });

            migrationBuilder.CreateTable(
                name: "status_lists",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Size = table.Column<int>(type: "INTEGER", nullable: false),
                    Bits = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Allocated = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Used = table.Column<int>(type: "INTEGER", nullable: false),
                    Full = table.Column<bool>(type: "INTEGER", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_status_lists", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "verification_receipts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssuedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Department = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LicenseId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Indication = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SubIndication = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Conclusion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReportSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Report = table.Column<byte[]>(type: "BLOB", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signature = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_verification_receipts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "credentials",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_credentials", x => x.Id);
                    table.ForeignKey(
                        name: "FK_credentials_departments_DepartmentCode",
                        column: x => x.DepartmentCode,
                        principalTable: "departments",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "license_status_changes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LicenseRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    FromStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    ToStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ReasonCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ByDepartment = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_license_status_changes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_license_status_changes_licenses_LicenseRecordId",
                        column: x => x.LicenseRecordId,
                        principalTable: "licenses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "license_versions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LicenseRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    LicenseId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ContentSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DataJson = table.Column<string>(type: "TEXT", nullable: false),
                    IssueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ValidFrom = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ValidUntil = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ChangeReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    PushedBy = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    StoredAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SupersededAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SourceDocumentSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SourceDocumentFormat = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    SourceDocumentLength = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_license_versions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_license_versions_licenses_LicenseRecordId",
                        column: x => x.LicenseRecordId,
                        principalTable: "licenses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "license_documents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LicenseVersionRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Sm3 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Signers = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_license_documents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_license_documents_license_versions_LicenseVersionRecordId",
                        column: x => x.LicenseVersionRecordId,
                        principalTable: "license_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "status_list_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StatusListId = table.Column<int>(type: "INTEGER", nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    LicenseVersionRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    OfflinePayload = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_status_list_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_status_list_entries_license_versions_LicenseVersionRecordId",
                        column: x => x.LicenseVersionRecordId,
                        principalTable: "license_versions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_status_list_entries_status_lists_StatusListId",
                        column: x => x.StatusListId,
                        principalTable: "status_lists",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_archive_exports_RequestedBy_CreatedAtUtc",
                table: "archive_exports",
                columns: new[] { "RequestedBy", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_archive_exports_Status_HeartbeatAtUtc",
                table: "archive_exports",
                columns: new[] { "Status", "HeartbeatAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_archive_outbox_CompletedAtUtc_NextAttemptAtUtc",
                table: "archive_outbox",
                columns: new[] { "CompletedAtUtc", "NextAttemptAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_archive_packages_LicenseId_CaseNumber",
                table: "archive_packages",
                columns: new[] { "LicenseId", "CaseNumber" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_details_holder_code_idx",
                table: "audit_details",
                columns: new[] { "holder_code", "idx" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_license_id",
                table: "audit_events",
                column: "license_id");

            migrationBuilder.CreateIndex(
                name: "IX_credentials_DepartmentCode",
                table: "credentials",
                column: "DepartmentCode");

            migrationBuilder.CreateIndex(
                name: "IX_credentials_TokenHash",
                table: "credentials",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_grants_HolderCode",
                table: "grants",
                column: "HolderCode");

            migrationBuilder.CreateIndex(
                name: "IX_license_documents_LicenseVersionRecordId_Format",
                table: "license_documents",
                columns: new[] { "LicenseVersionRecordId", "Format" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_license_documents_Sha256",
                table: "license_documents",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_license_status_changes_LicenseRecordId",
                table: "license_status_changes",
                column: "LicenseRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_license_versions_LicenseId",
                table: "license_versions",
                column: "LicenseId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_license_versions_LicenseRecordId_Version",
                table: "license_versions",
                columns: new[] { "LicenseRecordId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_licenses_HolderCode_TypeCode",
                table: "licenses",
                columns: new[] { "HolderCode", "TypeCode" });

            migrationBuilder.CreateIndex(
                name: "IX_licenses_IssuerCode_TypeCode_Number",
                table: "licenses",
                columns: new[] { "IssuerCode", "TypeCode", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_licenses_TypeCode_IssuerCode_Serial",
                table: "licenses",
                columns: new[] { "TypeCode", "IssuerCode", "Serial" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_seals_DepartmentCode_Kind",
                table: "seals",
                columns: new[] { "DepartmentCode", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_status_list_entries_LicenseVersionRecordId",
                table: "status_list_entries",
                column: "LicenseVersionRecordId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_status_list_entries_StatusListId_Index",
                table: "status_list_entries",
                columns: new[] { "StatusListId", "Index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_verification_receipts_Department_IssuedAtUtc",
                table: "verification_receipts",
                columns: new[] { "Department", "IssuedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "archive_exports");

            migrationBuilder.DropTable(
                name: "archive_outbox");

            migrationBuilder.DropTable(
                name: "archive_packages");

            migrationBuilder.DropTable(
                name: "audit_details");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "audit_nodes");

            migrationBuilder.DropTable(
                name: "audit_tree_heads");

            migrationBuilder.DropTable(
                name: "credentials");

            migrationBuilder.DropTable(
                name: "grants");

            migrationBuilder.DropTable(
                name: "license_documents");

            migrationBuilder.DropTable(
                name: "license_status_changes");

            migrationBuilder.DropTable(
                name: "presentations");

            migrationBuilder.DropTable(
                name: "seals");

            migrationBuilder.DropTable(
                name: "serial_counters");

            migrationBuilder.DropTable(
                name: "status_list_entries");

            migrationBuilder.DropTable(
                name: "verification_receipts");

            migrationBuilder.DropTable(
                name: "departments");

            migrationBuilder.DropTable(
                name: "license_versions");

            migrationBuilder.DropTable(
                name: "status_lists");

            migrationBuilder.DropTable(
                name: "licenses");
        }
    }
}
