using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class MatchReviewConfiguration : IEntityTypeConfiguration<MatchReview>
{
    public void Configure(EntityTypeBuilder<MatchReview> review)
    {
        review.Property(r => r.Reason).HasMaxLength(64);
        review.Property(r => r.DecidedByUserId).HasMaxLength(450);
        review.Property(r => r.DecisionReason).HasMaxLength(1000);
        review.HasIndex(r => new { r.LeftCustomerId, r.RightCustomerId });
        review.HasIndex(r => r.RightCustomerId);
        review.HasIndex(r => new { r.Status, r.CreatedAt });
    }
}

internal sealed class ProfileMatchKeyConfiguration : IEntityTypeConfiguration<ProfileMatchKey>
{
    public void Configure(EntityTypeBuilder<ProfileMatchKey> key)
    {
        key.HasKey(k => new { k.KeyHash, k.CustomerId });
        key.HasIndex(k => k.CustomerId);
    }
}

internal sealed class MatchModelVersionConfiguration : IEntityTypeConfiguration<MatchModelVersion>
{
    public void Configure(EntityTypeBuilder<MatchModelVersion> model) => model.HasIndex(m => m.Active);
}

internal sealed class PredictionModelConfiguration : IEntityTypeConfiguration<PredictionModel>
{
    public void Configure(EntityTypeBuilder<PredictionModel> model)
    {
        model.Property(m => m.Version).HasMaxLength(64);
        model.Property(m => m.TrainedByUserId).HasMaxLength(450);
        model.HasIndex(m => new { m.Kind, m.Active });
        model.HasIndex(m => m.Version).IsUnique();
    }
}

internal sealed class BackgroundJobConfiguration : IEntityTypeConfiguration<BackgroundJob>
{
    public void Configure(EntityTypeBuilder<BackgroundJob> job)
    {
        job.Property(j => j.Kind).HasMaxLength(64);
        job.Property(j => j.Message).HasMaxLength(1000);
        job.Property(j => j.Target).HasMaxLength(128);
        job.Property(j => j.RequestedByUserId).HasMaxLength(450);
        job.HasIndex(j => new { j.Kind, j.CreatedAt });
    }
}
