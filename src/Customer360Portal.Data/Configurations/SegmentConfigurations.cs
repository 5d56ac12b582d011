using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> segment)
    {
        segment.Property(s => s.Name).HasMaxLength(200);
        segment.Property(s => s.Description).HasMaxLength(2000);
        segment.Property(s => s.OwnerUserId).HasMaxLength(450);
        segment.Property(s => s.OwnerName).HasMaxLength(256);
        segment.Property(s => s.RefreshError).HasMaxLength(1000);
        segment.HasIndex(s => s.Name);
    }
}

internal sealed class SegmentVersionConfiguration : IEntityTypeConfiguration<SegmentVersion>
{
    public void Configure(EntityTypeBuilder<SegmentVersion> version)
    {
        version.Property(v => v.Name).HasMaxLength(200);
        version.Property(v => v.SavedByName).HasMaxLength(256);
        version.HasOne<Segment>().WithMany().HasForeignKey(v => v.SegmentId).OnDelete(DeleteBehavior.Cascade);
        version.HasIndex(v => new { v.SegmentId, v.Version }).IsUnique();
    }
}

internal sealed class SegmentMemberConfiguration : IEntityTypeConfiguration<SegmentMember>
{
    public void Configure(EntityTypeBuilder<SegmentMember> member)
    {
        member.HasKey(m => new { m.SegmentId, m.CustomerId });
        member.HasOne<Segment>().WithMany().HasForeignKey(m => m.SegmentId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<Customer>().WithMany().HasForeignKey(m => m.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // Erasure and "which segments is this person in" look members up by customer.
        member.HasIndex(m => m.CustomerId);
    }
}

internal sealed class SegmentSnapshotConfiguration : IEntityTypeConfiguration<SegmentSnapshot>
{
    public void Configure(EntityTypeBuilder<SegmentSnapshot> snapshot)
    {
        snapshot.HasOne<Segment>().WithMany().HasForeignKey(s => s.SegmentId).OnDelete(DeleteBehavior.Cascade);
        snapshot.HasIndex(s => new { s.SegmentId, s.ComputedAt });
    }
}
