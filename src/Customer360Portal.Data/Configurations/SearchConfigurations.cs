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
