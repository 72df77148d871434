using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class VerificationReceiptConfiguration : IEntityTypeConfiguration<VerificationReceiptRecord>
{
    public void Configure(EntityTypeBuilder<VerificationReceiptRecord> builder)
    {
        builder.ToTable("verification_receipts");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Department).HasMaxLength(18);
        builder.Property(r => r.Role).HasMaxLength(16);
        builder.Property(r => r.Subject).HasMaxLength(16);
        builder.Property(r => r.LicenseId).HasMaxLength(100);
        builder.Property(r => r.Indication).HasMaxLength(16);
        builder.Property(r => r.SubIndication).HasMaxLength(40);
        builder.Property(r => r.Conclusion).HasMaxLength(32);
        builder.Property(r => r.ReportSha256).HasMaxLength(64);
        builder.Property(r => r.KeyId).HasMaxLength(64);

        // A department lists its own receipts by time.
        builder.HasIndex(r => new { r.Department, r.IssuedAtUtc });
    }
}
