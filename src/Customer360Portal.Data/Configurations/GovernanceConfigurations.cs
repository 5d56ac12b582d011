using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> consent)
    {
        consent.Property(c => c.SourceKey).HasMaxLength(64);
        consent.Property(c => c.Evidence).HasMaxLength(1000);
        consent.Property(c => c.Reason).HasMaxLength(1000);
        consent.Property(c => c.RecordedByUserId).HasMaxLength(450);
        consent.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
        consent.HasIndex(c => new { c.CustomerId, c.Purpose, c.EffectiveAt });
    }
}

internal sealed class ConsentStateConfiguration : IEntityTypeConfiguration<ConsentState>
{
    public void Configure(EntityTypeBuilder<ConsentState> consent)
    {
        consent.HasKey(c => new { c.CustomerId, c.Purpose });
        consent.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // Segment exports ask "everyone who granted X".
        consent.HasIndex(c => new { c.Purpose, c.Status });
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> audit)
    {
        audit.Property(a => a.UserId).HasMaxLength(450);
        audit.Property(a => a.UserName).HasMaxLength(256);
        audit.Property(a => a.Action).HasMaxLength(64);
        audit.Property(a => a.TargetType).HasMaxLength(64);
        audit.Property(a => a.TargetId).HasMaxLength(64);
        audit.Property(a => a.Details).HasMaxLength(2000);
        audit.Property(a => a.CorrelationId).HasMaxLength(64);
        audit.HasIndex(a => a.At);
        audit.HasIndex(a => new { a.TargetType, a.TargetId });
    }
}

internal sealed class MergeRecordConfiguration : IEntityTypeConfiguration<MergeRecord>
{
    public void Configure(EntityTypeBuilder<MergeRecord> merge)
    {
        merge.Property(m => m.Rule).HasMaxLength(64);
        merge.Property(m => m.MergedByUserId).HasMaxLength(450);
        merge.Property(m => m.UndoneByUserId).HasMaxLength(450);
        merge.HasIndex(m => m.SurvivorId);
        merge.HasIndex(m => m.MergedId);
    }
}

internal sealed class SuppressionEntryConfiguration : IEntityTypeConfiguration<SuppressionEntry>
{
    public void Configure(EntityTypeBuilder<SuppressionEntry> suppression)
    {
        suppression.Property(s => s.KeyedHash).HasMaxLength(64);
        suppression.HasIndex(s => new { s.IdentifierType, s.KeyedHash }).IsUnique();
    }
}

internal sealed class PrivacyRequestConfiguration : IEntityTypeConfiguration<PrivacyRequest>
{
    public void Configure(EntityTypeBuilder<PrivacyRequest> request)
    {
        request.Property(r => r.SubjectContact).HasMaxLength(320);
        request.Property(r => r.Details).HasMaxLength(4000);
        request.Property(r => r.Channel).HasMaxLength(64);
        request.Property(r => r.AssignedToUserId).HasMaxLength(450);
        request.Property(r => r.Outcome).HasMaxLength(4000);
        request.Property(r => r.Version).IsConcurrencyToken();
        request.HasIndex(r => new { r.Status, r.DueAt });
        request.HasIndex(r => r.CustomerId);
    }
}

internal sealed class PrivacyRequestEventConfiguration : IEntityTypeConfiguration<PrivacyRequestEvent>
{
    public void Configure(EntityTypeBuilder<PrivacyRequestEvent> change)
    {
        change.Property(e => e.UserId).HasMaxLength(450);
        change.Property(e => e.Action).HasMaxLength(64);
        change.Property(e => e.Note).HasMaxLength(2000);
        change.HasOne<PrivacyRequest>().WithMany().HasForeignKey(e => e.RequestId).OnDelete(DeleteBehavior.Cascade);
        change.HasIndex(e => new { e.RequestId, e.At });
    }
}

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(200);
    }
}
