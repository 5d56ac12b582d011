using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class DataSourceConfiguration : IEntityTypeConfiguration<DataSource>
{
    public void Configure(EntityTypeBuilder<DataSource> source)
    {
        source.Property(s => s.Key).HasMaxLength(64);
        source.Property(s => s.DisplayName).HasMaxLength(200);
        source.Property(s => s.SettingsJson).HasMaxLength(4000);
        source.Property(s => s.Cursor).HasMaxLength(1000);
        source.Property(s => s.LastError).HasMaxLength(1000);
        source.HasIndex(s => s.Key).IsUnique();
    }
}

internal sealed class SourceApiKeyConfiguration : IEntityTypeConfiguration<SourceApiKey>
{
    public void Configure(EntityTypeBuilder<SourceApiKey> key)
    {
        key.Property(k => k.SourceKey).HasMaxLength(64);
        key.Property(k => k.Prefix).HasMaxLength(16);
        key.Property(k => k.SecretHash).HasMaxLength(64).IsFixedLength();
        key.Property(k => k.CreatedByUserId).HasMaxLength(450);
        key.HasIndex(k => k.Prefix);
        key.HasIndex(k => k.SourceKey);
    }
}

internal sealed class SourceRecordConfiguration : IEntityTypeConfiguration<SourceRecord>
{
    public void Configure(EntityTypeBuilder<SourceRecord> record)
    {
        record.Property(r => r.SourceKey).HasMaxLength(64);
        record.Property(r => r.ExternalId).HasMaxLength(200);
        record.Property(r => r.Kind).HasMaxLength(64);
        record.Property(r => r.PayloadHash).HasMaxLength(64).IsFixedLength();
        record.Property(r => r.VersionKey).HasMaxLength(16).IsFixedLength();
        // Idempotent intake: the same version of the same record is stored once.
        record.HasIndex(r => new { r.SourceKey, r.ExternalId, r.VersionKey }).IsUnique();
        record.HasIndex(r => r.CustomerId);
        record.HasIndex(r => r.OriginCustomerId);
    }
}

internal sealed class QuarantinedRecordConfiguration : IEntityTypeConfiguration<QuarantinedRecord>
{
    public void Configure(EntityTypeBuilder<QuarantinedRecord> record)
    {
        record.Property(r => r.SourceKey).HasMaxLength(64);
        record.Property(r => r.ExternalId).HasMaxLength(200);
        record.Property(r => r.Kind).HasMaxLength(64);
        record.Property(r => r.Reason).HasMaxLength(2000);
        record.Property(r => r.PayloadHash).HasMaxLength(64).IsFixedLength();
        record.HasIndex(r => new { r.SourceKey, r.PayloadHash }).IsUnique();
        record.HasIndex(r => new { r.SourceKey, r.ReceivedAt });
    }
}

internal sealed class ProcessingMarkConfiguration : IEntityTypeConfiguration<ProcessingMark>
{
    public void Configure(EntityTypeBuilder<ProcessingMark> mark)
    {
        mark.HasKey(m => m.Stage);
        mark.Property(m => m.Stage).HasMaxLength(64);
    }
}

internal sealed class InteractionConfiguration : IEntityTypeConfiguration<Interaction>
{
    public void Configure(EntityTypeBuilder<Interaction> interaction)
    {
        interaction.Property(i => i.SourceKey).HasMaxLength(64);
        interaction.Property(i => i.Type).HasMaxLength(64);
        interaction.Property(i => i.Summary).HasMaxLength(500);
        interaction.Property(i => i.Currency).HasMaxLength(3);
        interaction.Property(i => i.Reference).HasMaxLength(200);
        interaction.HasOne<Customer>().WithMany().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // The timeline query: one customer's events, newest first.
        interaction.HasIndex(i => new { i.CustomerId, i.OccurredAt });
        interaction.HasIndex(i => i.Reference);
        interaction.Property(i => i.Category).HasMaxLength(64);
        // Segment behaviour rules: "did this customer do event X (in category Y) since T?", one customer at a time.
        interaction.HasIndex(i => new { i.CustomerId, i.Type, i.Category, i.OccurredAt });
    }
}
