using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Web.Components.Shared;

namespace Customer360Portal.Web.Tests.Components.Shared;

public class IdentityWordingTests
{
    [Theory]
    [InlineData("identifier-limit:AccountId", "would give one person two account ids")]
    [InlineData("identifier-limit:Email", "would give one person more email addresses than a person has")]
    [InlineData("probabilistic", "similar people, not sure")]
    [InlineData("names-disagree", "the same identifiers, but the names disagree")]
    [InlineData("cluster-size", "would make one very large profile out of many merges")]
    [InlineData("unmerged", "split apart by a person before")]
    [InlineData("something-new", "something-new")]
    public void ReviewReason_IsSaidInPlainWords(string reason, string expected) =>
        Assert.Equal(expected, IdentityWording.ReviewReason(reason));

    [Fact]
    public void Lineage_NamesSourceRecordRuleAndDay()
    {
        var field = new GoldenField("Email", "jon@example.com", "crm", 123, "most-recent", new DateTime(2026, 10, 5, 14, 30, 0, DateTimeKind.Utc));

        Assert.Equal("From crm record 123, rule most-recent, observed 2026-10-05", IdentityWording.Lineage(field));
    }

    [Fact]
    public void Lineage_OfACorrection_SaysWhoAndWhy()
    {
        var field = new GoldenField("Phone", "+447700900456", "rectified by Alex Agent", null, "rectified", new DateTime(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc),
            "Customer confirmed the new number");

        Assert.Equal("Rectified by a person (rectified by Alex Agent; reason: Customer confirmed the new number), rule rectified, observed 2026-11-30",
            IdentityWording.Lineage(field));
    }

    [Theory]
    [InlineData(4.25, "+4.3")]
    [InlineData(-3.1, "\u22123.1")]
    [InlineData(0, "0.0")]
    public void Weight_CarriesItsSign(double weight, string expected) => Assert.Equal(expected, IdentityWording.Weight(weight));
}
