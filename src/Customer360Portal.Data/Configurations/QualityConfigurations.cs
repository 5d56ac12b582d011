using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class QualitySnapshotConfiguration : IEntityTypeConfiguration<QualitySnapshot>
{
    public void Configure(EntityTypeBuilder<QualitySnapshot> snapshot)
    {
        snapshot.Property(s => s.Trigger).HasMaxLength(256);
        // The page reads the latest and a trend window by time.
        snapshot.HasIndex(s => s.TakenAt);
    }
}
