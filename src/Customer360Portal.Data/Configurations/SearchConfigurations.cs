using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class CustomerSearchKeyConfiguration : IEntityTypeConfiguration<CustomerSearchKey>
{
    public void Configure(EntityTypeBuilder<CustomerSearchKey> key)
    {
        key.HasKey(k => new { k.KeyHash, k.CustomerId });
        key.HasIndex(k => k.CustomerId);
    }
}

internal sealed class ProfileChangeConfiguration : IEntityTypeConfiguration<ProfileChange>
{
    public void Configure(EntityTypeBuilder<ProfileChange> change)
    {
        change.HasKey(c => c.Id);
        change.HasOne(c => c.Customer).WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
