using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class PurchasedItemConfiguration : IEntityTypeConfiguration<PurchasedItem>
{
    public void Configure(EntityTypeBuilder<PurchasedItem> item)
    {
        item.Property(i => i.Sku).HasMaxLength(200);
        item.Property(i => i.Name).HasMaxLength(200);
        item.Property(i => i.Category).HasMaxLength(200);
        item.Property(i => i.Currency).HasMaxLength(3);
        item.Property(i => i.OrderReference).HasMaxLength(200);
        item.HasOne<Customer>().WithMany().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
        item.HasIndex(i => new { i.CustomerId, i.PurchasedAt });
        // Merges and re-resolution move items by their record.
        item.HasIndex(i => i.SourceRecordId);
        // The catalogue groups by sku.
        item.HasIndex(i => i.Sku);
    }
}

internal sealed class MarketingOfferConfiguration : IEntityTypeConfiguration<MarketingOffer>
{
    public void Configure(EntityTypeBuilder<MarketingOffer> offer)
    {
        offer.Property(o => o.Code).HasMaxLength(64);
        offer.Property(o => o.Title).HasMaxLength(200);
        offer.Property(o => o.Description).HasMaxLength(2000);
        offer.Property(o => o.Sku).HasMaxLength(200);
        offer.Property(o => o.Category).HasMaxLength(200);
        offer.Property(o => o.Countries).HasMaxLength(500);
        offer.Property(o => o.LifecycleStages).HasMaxLength(500);
        offer.Property(o => o.UpdatedByUserId).HasMaxLength(450);
        offer.HasIndex(o => o.Code).IsUnique();
    }
}

internal sealed class OfferFeedbackConfiguration : IEntityTypeConfiguration<OfferFeedback>
{
    public void Configure(EntityTypeBuilder<OfferFeedback> feedback)
    {
        feedback.Property(f => f.OfferCode).HasMaxLength(64);
        feedback.Property(f => f.Item).HasMaxLength(200);
        feedback.Property(f => f.ModelVersion).HasMaxLength(64);
        feedback.Property(f => f.RecordedByUserId).HasMaxLength(450);
        feedback.HasOne<Customer>().WithMany().HasForeignKey(f => f.CustomerId).OnDelete(DeleteBehavior.Cascade);
        feedback.HasIndex(f => new { f.CustomerId, f.RecordedAt });
    }
}
