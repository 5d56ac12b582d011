using Customer360Portal.Core.Names;

namespace Customer360Portal.Core.Tests.Names;

public class GivenNameVariantsTests
{
    [Theory]
    [InlineData("Jon", "Jonathan")]
    [InlineData("Jonathan", "Jon")]
    [InlineData("Bill", "William")]
    [InlineData("Liam", "William")]
    [InlineData("Liz", "Elizabeth")]
    [InlineData("Betsy", "Elizabeth")]
    [InlineData("Bob", "Robert")]
    [InlineData("Peggy", "Margaret")]
    [InlineData("Sasha", "Alexander")]
    [InlineData("Sasha", "Alexandra")]
    [InlineData("Kathy", "Katherine")]
    [InlineData("Catherine", "Katherine")]
    [InlineData("Jon", "John")]
    [InlineData("Gosia", "Małgorzata")]
    [InlineData("Pepe", "Jose")]
    [InlineData("Kuba", "Jakub")]
    public void AreVariants_NicknamesAndSpellings_Match(string a, string b)
    {
        Assert.True(GivenNameVariants.AreVariants(a, b));
    }

    [Theory]
    [InlineData("Jon", "Bill")]
    [InlineData("John", "Jonathan")]
    [InlineData("Alexander", "Alexandra")]
    [InlineData("Robert", "William")]
    [InlineData("Kate", "Margaret")]
    [InlineData("Xyzzy", "Plugh")]
    public void AreVariants_DifferentNames_DoNotMatch(string a, string b)
    {
        Assert.False(GivenNameVariants.AreVariants(a, b));
    }

    [Theory]
    [InlineData("jon", "JONATHAN")]
    [InlineData("  Bill ", "william")]
    [InlineData("José", "JOSE")]
    [InlineData("Zoë", "zoe")]
    [InlineData("Malgorzata", "Małgorzata")]
    public void AreVariants_IgnoresCaseSpaceAndAccents(string a, string b)
    {
        Assert.True(GivenNameVariants.AreVariants(a, b));
    }

    [Theory]
    [InlineData(null, "Jon")]
    [InlineData("", "")]
    [InlineData("  ", "Jon")]
    public void AreVariants_MissingNames_NeverMatch(string? a, string? b)
    {
        Assert.False(GivenNameVariants.AreVariants(a, b));
    }

    [Fact]
    public void VariantsOf_Nickname_ListsEveryNameItMayStandFor()
    {
        var variants = GivenNameVariants.VariantsOf("jon");
        Assert.Contains("Jonathan", variants);
        Assert.Contains("John", variants);
        Assert.Contains("Jonny", variants);
        Assert.DoesNotContain(variants, v => v.Equals("Jon", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(variants.Count, variants.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void VariantsOf_FormalName_ListsItsNicknames()
    {
        Assert.Superset(new HashSet<string> { "Bill", "Billy", "Will", "Liam" }, GivenNameVariants.VariantsOf("William").ToHashSet());
        Assert.Superset(new HashSet<string> { "Kate", "Katie", "Kathy", "Catherine" }, GivenNameVariants.VariantsOf("KATHERINE").ToHashSet());
    }

    [Fact]
    public void VariantsOf_UnknownOrEmpty_IsEmpty()
    {
        Assert.Empty(GivenNameVariants.VariantsOf("Xyzzy"));
        Assert.Empty(GivenNameVariants.VariantsOf(""));
        Assert.Empty(GivenNameVariants.VariantsOf(null));
    }

    [Fact]
    public void FormalNamesOf_GivesTheCanonicalNames()
    {
        Assert.Equal(["Jonathan", "John"], GivenNameVariants.FormalNamesOf("Jon").Order().Reverse());
        Assert.Equal(["William"], GivenNameVariants.FormalNamesOf("bill"));
        Assert.Equal(["Xyzzy"], GivenNameVariants.FormalNamesOf(" Xyzzy "));
    }

    [Fact]
    public void Families_AreManyAndWellFormed()
    {
        Assert.True(GivenNameVariants.Families.Count >= 150);
        Assert.All(GivenNameVariants.Families, f =>
        {
            Assert.NotEmpty(f.Formal);
            Assert.NotEmpty(f.Informal);
            Assert.Equal(f.All.Count(), f.All.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.All(f.All, n => Assert.True(GivenNameVariants.AreVariants(f.Canonical, n), $"{f.Canonical}~{n}"));
        });
    }
}
