using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<DepartmentRecord>
{
    public void Configure(EntityTypeBuilder<DepartmentRecord> builder)
    {
        builder.ToTable("departments");
        builder.HasKey(d => d.Code);
        builder.Property(d => d.Code).HasMaxLength(18);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.Level).HasMaxLength(8);
        builder.Property(d => d.ParentCode).HasMaxLength(18);
        builder.Property(d => d.Roles).HasMaxLength(64);
    }
}

internal sealed class CredentialConfiguration : IEntityTypeConfiguration<CredentialRecord>
{
    public void Configure(EntityTypeBuilder<CredentialRecord> builder)
    {
        builder.ToTable("credentials");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.DepartmentCode).HasMaxLength(18);
        builder.Property(c => c.Role).HasMaxLength(16);
        builder.Property(c => c.TokenHash).HasMaxLength(64);
        builder.HasIndex(c => c.TokenHash).IsUnique();
        builder.HasOne<DepartmentRecord>().WithMany().HasForeignKey(c => c.DepartmentCode);
    }
}
