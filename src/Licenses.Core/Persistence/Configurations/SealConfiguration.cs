using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class LicenseDocumentConfiguration : IEntityTypeConfiguration<LicenseDocumentRecord>
{
    public void Configure(EntityTypeBuilder<LicenseDocumentRecord> builder)
    {
        builder.ToTable("license_documents");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Format).HasMaxLength(8).HasConversion(DocumentConverters.Format);
        builder.Property(d => d.Origin).HasMaxLength(8).HasConversion(DocumentConverters.Origin);
        builder.Property(d => d.Sha256).HasMaxLength(64);
        builder.Property(d => d.Sm3).HasMaxLength(64);
        builder.Property(d => d.Signers).HasMaxLength(400);
        builder.HasIndex(d => new { d.LicenseVersionRecordId, d.Format }).IsUnique();

        // 核验 of an uploaded file starts from its hash.
        builder.HasIndex(d => d.Sha256);
    }
}

internal sealed class SealConfiguration : IEntityTypeConfiguration<SealRecord>
{
    public void Configure(EntityTypeBuilder<SealRecord> builder)
    {
        builder.ToTable("seals");
        builder.HasKey(s => s.EsId);
        builder.Property(s => s.EsId).HasMaxLength(14);
        builder.Property(s => s.DepartmentCode).HasMaxLength(18);
        builder.Property(s => s.Kind).HasMaxLength(16);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.SignerCertificateSha256).HasMaxLength(64);
        builder.Property(s => s.CreatedBy).HasMaxLength(18);
        builder.Property(s => s.RevocationReason).HasMaxLength(500);
        builder.HasIndex(s => new { s.DepartmentCode, s.Kind });
    }
}
