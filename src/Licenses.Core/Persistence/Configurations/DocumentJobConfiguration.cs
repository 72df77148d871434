using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

internal sealed class DocumentJobConfiguration : IEntityTypeConfiguration<DocumentJobRecord>
{
    public void Configure(EntityTypeBuilder<DocumentJobRecord> builder)
    {
        builder.ToTable("document_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.LastError).HasMaxLength(500);

        // One job per version: a second push of the same content is 'unchanged' and queues nothing.
        builder.HasIndex(j => j.LicenseVersionRecordId).IsUnique();
        builder.HasOne(j => j.Version).WithMany().HasForeignKey(j => j.LicenseVersionRecordId).OnDelete(DeleteBehavior.Restrict);

        // Workers take the jobs that are due, oldest first.
        builder.HasIndex(j => new { j.NotBeforeUtc, j.Id });
    }
}
