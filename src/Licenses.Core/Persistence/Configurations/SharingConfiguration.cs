using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class GrantConfiguration : IEntityTypeConfiguration<GrantRecord>
{
    public void Configure(EntityTypeBuilder<GrantRecord> builder)
    {
        builder.ToTable("grants");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).HasMaxLength(32);
        builder.Property(g => g.HolderCode).HasMaxLength(18);
        builder.Property(g => g.AgentCode).HasMaxLength(18);
        builder.Property(g => g.GranteeCode).HasMaxLength(18);
        builder.Property(g => g.TypeCodesJson).HasMaxLength(4000);
        builder.Property(g => g.FieldsJson).HasMaxLength(8000);
        builder.Property(g => g.ItemCode).HasMaxLength(64);
        builder.Property(g => g.SerialNumber).HasMaxLength(64);
        builder.HasIndex(g => g.HolderCode);
    }
}

internal sealed class PresentationConfiguration : IEntityTypeConfiguration<PresentationRecord>
{
    public void Configure(EntityTypeBuilder<PresentationRecord> builder)
    {
        builder.ToTable("presentations");
        builder.HasKey(p => p.CodeHash);
        builder.Property(p => p.CodeHash).HasMaxLength(64);
        builder.Property(p => p.LicenseId).HasMaxLength(100);
        builder.Property(p => p.HolderCode).HasMaxLength(18);
        builder.Property(p => p.RedeemedBy).HasMaxLength(18);
    }
}
