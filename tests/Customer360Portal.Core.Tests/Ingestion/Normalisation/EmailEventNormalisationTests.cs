using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class EmailEventNormalisationTests
{
    private const string EmailEvent = RecordKinds.EmailEvent;

    [Fact]
    public void Normalise_ExampleClick_GivesCanonicalValuesAndInteraction()
    {
        var record = AssertValid(EmailEvent, ExampleEmailEvent);

        Assert.Equal("evt_9f8e7d", record.ExternalId);
        Assert.Equal("jane@example.com", record.Email);
        Assert.Equal(new DateTime(2026, 5, 4, 10, 0, 0, 123, DateTimeKind.Utc), record.OccurredAt);
        Assert.Equal("email.clicked", record.InteractionType);
        Assert.Equal(InteractionChannel.Email, record.Channel);
        Assert.Equal("Email clicked: Spring Sale", record.Summary);
        Assert.Equal("cmp-42", record.Reference);
    }

    [Theory]
    [InlineData("sent")]
    [InlineData("delivered")]
    [InlineData("opened")]
    [InlineData("clicked")]
    [InlineData("bounced")]
    [InlineData("unsubscribed")]
    [InlineData("Complained")]
    public void Normalise_Type_BecomesEmailDotType(string type)
    {
        var record = AssertValid(EmailEvent, With(EmailEvent, ("type", type)));

        Assert.Equal("email." + type.ToLowerInvariant(), record.InteractionType);
        Assert.StartsWith("Email " + type.ToLowerInvariant() + ": ", record.Summary);
    }

    [Fact]
    public void Normalise_NoCampaignName_SummarisesWithTheCampaignId()
    {
        Assert.Equal("Email clicked: cmp-42", AssertValid(EmailEvent, Without(EmailEvent, "campaignName")).Summary);
    }

    [Fact]
    public void Normalise_NoCampaign_SummarisesWithTheTypeOnly()
    {
        var record = AssertValid(EmailEvent, Without(EmailEvent, "campaignName", "campaignId"));

        Assert.Equal("Email clicked", record.Summary);
        Assert.Null(record.Reference);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url")]
    [InlineData("ftp://files.example.com/a")]
    public void Normalise_UrlThatIsNotHttp_IsRefused(string url)
    {
        Assert.Equal(["url: must be an absolute http or https URL"], AssertInvalid(EmailEvent, With(EmailEvent, ("url", url))));
    }

    [Fact]
    public void Normalise_MissingEverything_ListsEachRequiredField()
    {
        var errors = AssertInvalid(EmailEvent, "{}");

        Assert.Equal(["eventId: is required", "email: is required", "type: is required", "occurredAt: is required"], errors);
    }

    [Fact]
    public void Normalise_UnknownType_IsRefused()
    {
        Assert.Equal(["type: must be one of sent, delivered, opened, clicked, bounced, unsubscribed, complained"],
            AssertInvalid(EmailEvent, With(EmailEvent, ("type", "forwarded"))));
    }
}
