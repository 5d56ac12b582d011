using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class InsightsSnapshotConfiguration : IEntityTypeConfiguration<InsightsSnapshot>
{
    public void Configure(EntityTypeBuilder<InsightsSnapshot> snapshot)
    {
        snapshot.ToTable("InsightsSnapshots");
        snapshot.Property(s => s.Kind).HasMaxLength(64);
        snapshot.HasIndex(s => s.Kind).IsUnique();
    }
}

internal sealed class StageMarkConfiguration : IEntityTypeConfiguration<StageMark>
{
    public void Configure(EntityTypeBuilder<StageMark> mark)
    {
        mark.ToTable("InsightsStageMarks");
        // The profile id is the key: one mark per profile. No foreign key, so a profile's deletion or merge never waits on it;
        // the job drops marks of profiles that are no longer active.
        mark.HasKey(m => m.CustomerId);
        mark.Property(m => m.CustomerId).ValueGeneratedNever();
        // The stage chart counts marks per stage: an index-only scan instead of reading a million profile rows.
        mark.HasIndex(m => m.Stage);
    }
}

/// <summary>
/// The insights job compares every active profile's stage with its mark each pass; this index makes that an index-only
/// scan rather than a read of every (wide) profile row. The segment builder's lifecycle-stage rules use it too.
/// </summary>
internal sealed class CustomerStageIndexConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> customer) => customer.HasIndex(c => new { c.Status, c.LifecycleStage });
}
