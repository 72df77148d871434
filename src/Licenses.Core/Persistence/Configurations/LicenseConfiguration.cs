using ElectronicLicense.Licenses.Identifiers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class LicenseConfiguration : IEntityTypeConfiguration<LicenseRecord>
{
    public void Configure(EntityTypeBuilder<LicenseRecord> builder)
    {
        builder.ToTable("licenses");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.TypeCode).HasMaxLength(21).HasConversion(v => v.Value, v => LicenseTypeCode.Parse(v));
        builder.Property(l => l.IssuerCode).HasMaxLength(18);
        builder.Property(l => l.Serial).HasMaxLength(20);
        builder.Property(l => l.Number).HasMaxLength(64);
        builder.Property(l => l.HolderCode).HasMaxLength(18);
        builder.Property(l => l.HolderName).HasMaxLength(200);
        builder.Property(l => l.HolderCodeType).HasMaxLength(16);
        builder.Property(l => l.Status).HasConversion<string>().HasMaxLength(16);

        // Concurrent lifecycle changes or 变更 of one license cannot both win: the loser re-reads and re-checks.
        builder.Property(l => l.Status).IsConcurrencyToken();
        builder.Property(l => l.CurrentVersion).IsConcurrencyToken();

        // The idempotency key of 归集, and the serial that makes the 证照标识 unique.
        builder.HasIndex(l => new { l.IssuerCode, l.TypeCode, l.Number }).IsUnique();
        builder.HasIndex(l => new { l.TypeCode, l.IssuerCode, l.Serial }).IsUnique();
        builder.HasIndex(l => new { l.HolderCode, l.TypeCode });

        builder.HasMany(l => l.Versions).WithOne().HasForeignKey(v => v.LicenseRecordId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(l => l.StatusChanges).WithOne().HasForeignKey(s => s.LicenseRecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LicenseVersionConfiguration : IEntityTypeConfiguration<LicenseVersionRecord>
{
    public void Configure(EntityTypeBuilder<LicenseVersionRecord> builder)
    {
        builder.ToTable("license_versions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.LicenseId).HasMaxLength(100).HasConversion(v => v.Value, v => LicenseId.Parse(v));
        builder.HasIndex(v => v.LicenseId).IsUnique();
        builder.HasIndex(v => new { v.LicenseRecordId, v.Version }).IsUnique();
        builder.Property(v => v.ContentSha256).HasMaxLength(64);
        builder.Property(v => v.ChangeReason).HasMaxLength(500);
        builder.Property(v => v.PushedBy).HasMaxLength(18);
        builder.Property(v => v.SourceDocumentSha256).HasMaxLength(64);
        builder.Property(v => v.SourceDocumentFormat).HasMaxLength(8).HasConversion(DocumentConverters.Format);
        builder.HasMany(v => v.Documents).WithOne().HasForeignKey(d => d.LicenseVersionRecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StatusChangeConfiguration : IEntityTypeConfiguration<StatusChangeRecord>
{
    public void Configure(EntityTypeBuilder<StatusChangeRecord> builder)
    {
        builder.ToTable("license_status_changes");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.FromStatus).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.ToStatus).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.ReasonCode).HasMaxLength(40);
        builder.Property(s => s.Note).HasMaxLength(500);
        builder.Property(s => s.ByDepartment).HasMaxLength(18);
    }
}

internal sealed class SerialCounterConfiguration : IEntityTypeConfiguration<SerialCounterRecord>
{
    public void Configure(EntityTypeBuilder<SerialCounterRecord> builder)
    {
        builder.ToTable("serial_counters");
        builder.HasKey(c => new { c.TypeCode, c.IssuerCode, c.Year });
        builder.Property(c => c.TypeCode).HasMaxLength(21);
        builder.Property(c => c.IssuerCode).HasMaxLength(18);
    }
}
