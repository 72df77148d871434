using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ElectronicLicense.Licenses.Persistence.Configurations;

// Table and column names are explicit: the audit writer inserts with plain parameterised SQL for throughput.

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEventRecord>
{
    public void Configure(EntityTypeBuilder<AuditEventRecord> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(e => e.Index);
        builder.Property(e => e.Index).HasColumnName("idx").ValueGeneratedNever();
        builder.Property(e => e.AtUnixMs).HasColumnName("at_unix_ms");
        builder.Property(e => e.Leaf).HasColumnName("leaf");
        builder.Property(e => e.LeafHash).HasColumnName("leaf_hash").HasMaxLength(32);
        builder.Property(e => e.LicenseId).HasColumnName("license_id").HasMaxLength(128);

        // An archive package carries every event about its license (data/audit/events.json).
        builder.HasIndex(e => e.LicenseId);
    }
}

internal sealed class AuditDetailConfiguration : IEntityTypeConfiguration<AuditDetailRecord>
{
    public void Configure(EntityTypeBuilder<AuditDetailRecord> builder)
    {
        builder.ToTable("audit_details");
        builder.HasKey(e => e.Index);
        builder.Property(e => e.Index).HasColumnName("idx").ValueGeneratedNever();
        builder.Property(e => e.HolderCode).HasColumnName("holder_code").HasMaxLength(18);
        builder.Property(e => e.AgentCode).HasColumnName("agent_code").HasMaxLength(18);
        builder.Property(e => e.OfficerId).HasColumnName("officer_id").HasMaxLength(64);

        // A holder's access log (GET /api/v1/holders/me/access-log) reads newest first.
        builder.HasIndex(e => new { e.HolderCode, e.Index });
    }
}

internal sealed class AuditNodeConfiguration : IEntityTypeConfiguration<AuditNodeRecord>
{
    public void Configure(EntityTypeBuilder<AuditNodeRecord> builder)
    {
        builder.ToTable("audit_nodes");
        builder.HasKey(e => new { e.Level, e.Index });
        builder.Property(e => e.Level).HasColumnName("lvl").ValueGeneratedNever();
        builder.Property(e => e.Index).HasColumnName("idx").ValueGeneratedNever();
        builder.Property(e => e.Hash).HasColumnName("hash").HasMaxLength(32);
    }
}

internal sealed class AuditTreeHeadConfiguration : IEntityTypeConfiguration<AuditTreeHeadRecord>
{
    public void Configure(EntityTypeBuilder<AuditTreeHeadRecord> builder)
    {
        builder.ToTable("audit_tree_heads");
        builder.HasKey(e => e.TreeSize);
        builder.Property(e => e.TreeSize).HasColumnName("tree_size").ValueGeneratedNever();
        builder.Property(e => e.TimestampUnixMs).HasColumnName("timestamp_unix_ms");
        builder.Property(e => e.RootHash).HasColumnName("root_hash").HasMaxLength(32);
        builder.Property(e => e.KeyId).HasColumnName("key_id").HasMaxLength(64);
        builder.Property(e => e.Signature).HasColumnName("signature").HasMaxLength(128);
    }
}

internal sealed class AuditOutboxConfiguration : IEntityTypeConfiguration<AuditOutboxRecord>
{
    public void Configure(EntityTypeBuilder<AuditOutboxRecord> builder)
    {
        builder.ToTable("audit_outbox");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(e => e.AtUnixMs).HasColumnName("at_unix_ms");
        builder.Property(e => e.Entry).HasColumnName("entry");
    }
}
