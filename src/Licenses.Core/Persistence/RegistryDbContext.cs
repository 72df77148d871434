using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ElectronicLicense.Licenses.Persistence;

/// <summary>The registry's database. The model is provider-neutral: SQLite and PostgreSQL differ only in configuration.</summary>
internal sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options)
{
    public DbSet<DepartmentRecord> Departments => Set<DepartmentRecord>();
    public DbSet<CredentialRecord> Credentials => Set<CredentialRecord>();
    public DbSet<LicenseRecord> Licenses => Set<LicenseRecord>();
    public DbSet<LicenseVersionRecord> LicenseVersions => Set<LicenseVersionRecord>();
    public DbSet<StatusChangeRecord> StatusChanges => Set<StatusChangeRecord>();
    public DbSet<SerialCounterRecord> SerialCounters => Set<SerialCounterRecord>();
    public DbSet<LicenseDocumentRecord> LicenseDocuments => Set<LicenseDocumentRecord>();
    public DbSet<DocumentJobRecord> DocumentJobs => Set<DocumentJobRecord>();
    public DbSet<SealRecord> Seals => Set<SealRecord>();
    public DbSet<GrantRecord> Grants => Set<GrantRecord>();
    public DbSet<PresentationRecord> Presentations => Set<PresentationRecord>();
    public DbSet<VerificationReceiptRecord> VerificationReceipts => Set<VerificationReceiptRecord>();
    public DbSet<AuditEventRecord> AuditEvents => Set<AuditEventRecord>();
    public DbSet<AuditDetailRecord> AuditDetails => Set<AuditDetailRecord>();
    public DbSet<AuditNodeRecord> AuditNodes => Set<AuditNodeRecord>();
    public DbSet<AuditTreeHeadRecord> AuditTreeHeads => Set<AuditTreeHeadRecord>();
    public DbSet<AuditOutboxRecord> AuditOutbox => Set<AuditOutboxRecord>();
    public DbSet<StatusListRecord> StatusLists => Set<StatusListRecord>();
    public DbSet<StatusListEntryRecord> StatusListEntries => Set<StatusListEntryRecord>();
    public DbSet<ArchiveOutboxRecord> ArchiveOutbox => Set<ArchiveOutboxRecord>();
    public DbSet<ArchivePackageRecord> ArchivePackages => Set<ArchivePackageRecord>();
    public DbSet<ArchiveExportRecord> ArchiveExports => Set<ArchiveExportRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // All instants are UTC. SQLite hands back DateTimeKind.Unspecified, so the kind is restored on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
