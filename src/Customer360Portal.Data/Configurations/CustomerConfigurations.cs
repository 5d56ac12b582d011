using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Customer360Portal.Data.Configurations;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> customer)
    {
        customer.Property(c => c.GivenName).HasMaxLength(100);
        customer.Property(c => c.FamilyName).HasMaxLength(100);
        customer.Property(c => c.NormalizedName).HasMaxLength(200);
        customer.Property(c => c.Email).HasMaxLength(254);
        customer.Property(c => c.Phone).HasMaxLength(20);
        customer.Property(c => c.AddressLine).HasMaxLength(200);
        customer.Property(c => c.City).HasMaxLength(100);
        customer.Property(c => c.Postcode).HasMaxLength(20);
        customer.Property(c => c.Country).HasMaxLength(2);
        customer.Property(c => c.Currency).HasMaxLength(3);
        customer.Property(c => c.Version).IsConcurrencyToken();

        customer.HasIndex(c => c.Email);
        customer.HasIndex(c => c.Phone);
        customer.HasIndex(c => c.NormalizedName);
        customer.HasIndex(c => new { c.FamilyName, c.GivenName });
        customer.HasIndex(c => c.MergedIntoId);
        customer.HasIndex(c => c.LastActivityAt);
        // The search indexer walks profiles in the order they change.
        customer.HasIndex(c => new { c.UpdatedAt, c.Id });

        customer.HasMany(c => c.Identifiers).WithOne().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
        customer.Property(c => c.Lineage).HasColumnName("LineageJson").HasConversion(
            lineage => LineageJson.Write(lineage),
            json => LineageJson.Read(json),
            new ValueComparer<List<CustomerFieldLineage>>(
                (a, b) => LineageJson.Same(a, b),
                lineage => LineageJson.HashOf(lineage),
                lineage => LineageJson.Copy(lineage)));
    }
}

internal sealed class IdentifierConfiguration : IEntityTypeConfiguration<Identifier>
{
    public void Configure(EntityTypeBuilder<Identifier> identifier)
    {
        identifier.Property(i => i.Value).HasMaxLength(254);
        identifier.Property(i => i.SourceKey).HasMaxLength(64);
        // The hot lookup: "who has this email/phone/account id?"
        identifier.HasIndex(i => new { i.Type, i.Value });
        identifier.HasIndex(i => new { i.CustomerId, i.Type, i.Value }).IsUnique();
    }
}

internal sealed class CustomerNoteConfiguration : IEntityTypeConfiguration<CustomerNote>
{
    public void Configure(EntityTypeBuilder<CustomerNote> note)
    {
        note.Property(n => n.AuthorUserId).HasMaxLength(450);
        note.Property(n => n.Text).HasMaxLength(4000);
        note.HasOne<Customer>().WithMany().HasForeignKey(n => n.CustomerId).OnDelete(DeleteBehavior.Cascade);
        note.HasIndex(n => new { n.CustomerId, n.CreatedAt });
    }
}

internal sealed class CustomerTraitConfiguration : IEntityTypeConfiguration<CustomerTrait>
{
    public void Configure(EntityTypeBuilder<CustomerTrait> trait)
    {
        trait.Property(t => t.Key).HasMaxLength(100);
        trait.Property(t => t.Value).HasMaxLength(1000);
        trait.Property(t => t.SourceKey).HasMaxLength(64);
        trait.HasOne<Customer>().WithMany().HasForeignKey(t => t.CustomerId).OnDelete(DeleteBehavior.Cascade);
        trait.HasIndex(t => new { t.CustomerId, t.Key }).IsUnique();
        trait.HasIndex(t => new { t.Key, t.Value });
    }
}

internal sealed class CustomerScoreConfiguration : IEntityTypeConfiguration<CustomerScore>
{
    public void Configure(EntityTypeBuilder<CustomerScore> score)
    {
        score.Property(s => s.ModelVersion).HasMaxLength(64);
        score.Property(s => s.Label).HasMaxLength(100);
        score.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
        score.HasIndex(s => new { s.CustomerId, s.Kind });
        score.HasIndex(s => new { s.Kind, s.Value });
    }
}
