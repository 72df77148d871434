using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class ArchiveOutboxConfiguration : IEntityTypeConfiguration<ArchiveOutboxRecord>
{
    public void Configure(EntityTypeBuilder<ArchiveOutboxRecord> builder)
    {
        builder.ToTable("archive_outbox");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.LicenseId).HasMaxLength(100);
        builder.Property(r => r.Trigger).HasMaxLength(16);
        builder.Property(r => r.CaseNumber).HasMaxLength(64);
        builder.Property(r => r.LastError).HasMaxLength(500);

        // The worker picks pending rows that are due.
        builder.HasIndex(r => new { r.CompletedAtUtc, r.NextAttemptAtUtc });
    }
}

internal sealed class ArchivePackageConfiguration : IEntityTypeConfiguration<ArchivePackageRecord>
{
    public void Configure(EntityTypeBuilder<ArchivePackageRecord> builder)
    {
        builder.ToTable("archive_packages");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.LicenseId).HasMaxLength(100);
        builder.Property(r => r.CaseNumber).HasMaxLength(64);
        builder.Property(r => r.StoreKey).HasMaxLength(300);
        builder.Property(r => r.PackageSha256).HasMaxLength(64);
        builder.Property(r => r.ArchivalCode).HasMaxLength(120);
        builder.Property(r => r.Retention).HasMaxLength(16);

        // One package per license version and occasion: archiving twice finds the first.
        builder.HasIndex(r => new { r.LicenseId, r.CaseNumber }).IsUnique();
    }
}

internal sealed class ArchiveExportConfiguration : IEntityTypeConfiguration<ArchiveExportRecord>
{
    public void Configure(EntityTypeBuilder<ArchiveExportRecord> builder)
    {
        builder.ToTable("archive_exports");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasMaxLength(40).ValueGeneratedNever();
        builder.Property(r => r.RequestedBy).HasMaxLength(18);
        builder.Property(r => r.SelectionJson).HasMaxLength(1000);
        builder.Property(r => r.Status).HasMaxLength(16);
        builder.Property(r => r.Error).HasMaxLength(500);
        builder.HasIndex(r => new { r.RequestedBy, r.CreatedAtUtc });

        // The worker picks queued jobs and running jobs whose heartbeat is stale.
        builder.HasIndex(r => new { r.Status, r.HeartbeatAtUtc });
    }
}
