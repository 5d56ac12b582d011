using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class WebEventNormalisationTests
{
    private const string WebEvent = RecordKinds.WebEvent;

    [Fact]
    public void Normalise_Identify_FillsIdentityFieldsAndKeepsOtherScalarTraits()
    {
        var record = AssertValid(WebEvent, ExampleIdentify);

        Assert.Equal("ajs-next-1714816800000-4f1c", record.ExternalId);
        Assert.Equal("ACC-77", record.AccountId);
        Assert.Equal("7b1c2d3e-1111-4a2b-9c3d-abcdefabcdef", record.AnonymousId);
        Assert.Equal("jane@example.com", record.Email);
        Assert.Equal("Jane", record.GivenName);
        Assert.Equal("O'Neil", record.FamilyName);
        Assert.Equal("+447700900123", record.Phone);
        Assert.Equal("identify", record.InteractionType);
        Assert.Equal(InteractionChannel.Web, record.Channel);
        Assert.Equal("Identified", record.Summary);
        // Identity traits are not repeated as traits; the nested company object stays in the payload only.
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "gold", ["logins"] = "5" }, record.Traits);
    }

    [Fact]
    public void Normalise_IdentifyWithFullNameAndAddress_SplitsTheNameAndReadsTheAddress()
    {
        var traits = Node("""{"name":"MARY ANN SMITH","dateOfBirth":"1990-02-03","phone":"(202) 555-0173","address":{"street":"1 Main St","city":"Springfield","postalCode":"12345","country":"USA"}}""");

        var record = AssertValid(WebEvent, With(WebEvent, ("traits", traits)));

        Assert.Equal("Mary Ann", record.GivenName);
        Assert.Equal("Smith", record.FamilyName);
        Assert.Equal(new DateOnly(1990, 2, 3), record.DateOfBirth);
        Assert.Equal("+12025550173", record.Phone);
        Assert.Equal("1 Main St", record.AddressLine);
        Assert.Equal("Springfield", record.City);
        Assert.Equal("12345", record.Postcode);
        Assert.Equal("US", record.Country);
        Assert.Empty(record.Traits);
    }

    [Fact]
    public void Normalise_IdentifyWithBadTraits_NamesTheTraits()
    {
        var traits = Node("""{"email":"jane@","firstName":"<b>Jane</b>"}""");

        var errors = AssertInvalid(WebEvent, With(WebEvent, ("traits", traits)));

        Assert.Equal(["traits.email: not a valid email address", "traits.firstName: contains characters not allowed in a name"], errors);
    }

    [Fact]
    public void Normalise_Track_IsTrackColonEvent()
    {
        var record = AssertValid(WebEvent, ExampleTrack);

        Assert.Equal("track:Signed Up", record.InteractionType);
        Assert.Equal("Signed Up", record.Summary);
        Assert.Equal("anon-1", record.AnonymousId);
        Assert.Null(record.AccountId);
        Assert.Equal(InteractionChannel.Web, record.Channel);
        Assert.Empty(record.Traits);
    }

    [Fact]
    public void Normalise_TrackWithoutEvent_IsRefused()
    {
        Assert.Equal(["event: is required for track calls"], AssertInvalid(WebEvent, With(ExampleTrack, ("event", null))));
    }

    [Fact]
    public void Normalise_TrackEventTooLongForTheTypeColumn_IsRefused()
    {
        AssertValid(WebEvent, With(ExampleTrack, ("event", new string('e', 58))));

        Assert.Equal(["event: longer than 58 characters"], AssertInvalid(WebEvent, With(ExampleTrack, ("event", new string('e', 59)))));
    }

    [Fact]
    public void Normalise_TrackFromADevice_IsOnTheAppChannel()
    {
        var record = AssertValid(WebEvent, With(ExampleTrack, ("context", Node("""{"device":{"id":"d-1","type":"android"}}"""))));

        Assert.Equal(InteractionChannel.App, record.Channel);
    }

    [Fact]
    public void Normalise_PageWithName_IsViewedName()
    {
        var json = """{"messageId":"m-1","type":"page","name":"Pricing","timestamp":"2026-05-04T11:00:00Z","anonymousId":"a-1"}""";

        var record = AssertValid(WebEvent, json);

        Assert.Equal("page.viewed", record.InteractionType);
        Assert.Equal("Viewed Pricing", record.Summary);
        Assert.Equal(InteractionChannel.Web, record.Channel);
    }

    [Theory]
    [InlineData("""{"properties":{"path":"/pricing?email=jane@example.com"}}""", "Viewed /pricing")]
    [InlineData("""{"properties":{"url":"https://shop.example.com/basket?token=secret#top"}}""", "Viewed /basket")]
    [InlineData("""{"context":{"page":{"path":"/help"}}}""", "Viewed /help")]
    [InlineData("""{"context":{"page":{"url":"https://shop.example.com/a/b"}}}""", "Viewed /a/b")]
    [InlineData("""{"properties":{"path":42}}""", "Viewed a page")]
    [InlineData("""{}""", "Viewed a page")]
    public void Normalise_PageWithoutName_IsViewedPathWithoutTheQuery(string extra, string summary)
    {
        var json = With("""{"messageId":"m-1","type":"page","timestamp":"2026-05-04T11:00:00Z","anonymousId":"a-1"}""",
            Node(extra).AsObject().Select(p => (p.Key, p.Value?.DeepClone())).ToArray());

        Assert.Equal(summary, AssertValid(WebEvent, json).Summary);
    }

    [Fact]
    public void Normalise_Screen_IsAnAppView()
    {
        var json = """{"messageId":"m-2","type":"screen","name":"Basket","timestamp":"2026-05-04T11:00:00Z","userId":"ACC-77"}""";

        var record = AssertValid(WebEvent, json);

        Assert.Equal("screen.viewed", record.InteractionType);
        Assert.Equal("Viewed Basket", record.Summary);
        Assert.Equal(InteractionChannel.App, record.Channel);
    }

    [Fact]
    public void Normalise_Alias_KeepsThePreviousId()
    {
        var json = """{"messageId":"m-3","type":"alias","timestamp":"2026-05-04T11:00:00Z","userId":"ACC-77","previousId":"anon-9"}""";

        var record = AssertValid(WebEvent, json);

        Assert.Equal("alias", record.InteractionType);
        Assert.Equal("ACC-77", record.AccountId);
        Assert.Equal("anon-9", record.PreviousId);
    }

    [Fact]
    public void Normalise_AliasWithoutPreviousId_IsRefused()
    {
        var json = """{"messageId":"m-3","type":"alias","timestamp":"2026-05-04T11:00:00Z","userId":"ACC-77"}""";

        Assert.Equal(["previousId: is required for alias calls"], AssertInvalid(WebEvent, json));
    }

    [Fact]
    public void Normalise_Group_IgnoresCompanyTraits()
    {
        var json = """{"messageId":"m-4","type":"group","groupId":"ORG-1","timestamp":"2026-05-04T11:00:00Z","userId":"ACC-77","traits":{"email":"billing@acme.example","name":"Acme Ltd."}}""";

        var record = AssertValid(WebEvent, json);

        Assert.Equal("group", record.InteractionType);
        Assert.Equal("ORG-1", record.Reference);
        Assert.Null(record.Email);
        Assert.Null(record.GivenName);
        Assert.Empty(record.Traits);
    }

    [Fact]
    public void Normalise_NeitherAnonymousIdNorUserId_IsRefused()
    {
        Assert.Equal(["anonymousId/userId: at least one is required"], AssertInvalid(WebEvent, Without(WebEvent, "anonymousId", "userId")));
    }

    [Fact]
    public void Normalise_UnknownType_IsRefused()
    {
        Assert.Equal(["type: must be one of track, page, screen, identify, group, alias"], AssertInvalid(WebEvent, With(WebEvent, ("type", "pageview"))));
    }
}
