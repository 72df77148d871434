using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class StatusListConfiguration : IEntityTypeConfiguration<StatusListRecord>
{
    public void Configure(EntityTypeBuilder<StatusListRecord> builder)
    {
        builder.ToTable("status_lists");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.Revision).IsConcurrencyToken();
    }
}

internal sealed class StatusListEntryConfiguration : IEntityTypeConfiguration<StatusListEntryRecord>
{
    public void Configure(EntityTypeBuilder<StatusListEntryRecord> builder)
    {
        builder.ToTable("status_list_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.OfflinePayload).HasMaxLength(1024);

        // The allocation map prevents duplicates; the index makes a lost race fail instead of sharing an entry.
        builder.HasIndex(e => new { e.StatusListId, e.Index }).IsUnique();
        builder.HasIndex(e => e.LicenseVersionRecordId).IsUnique();
        builder.HasOne(e => e.Version).WithMany().HasForeignKey(e => e.LicenseVersionRecordId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<StatusListRecord>().WithMany().HasForeignKey(e => e.StatusListId).OnDelete(DeleteBehavior.Restrict);
    }
}
