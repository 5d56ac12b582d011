using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Segments;

/// <summary>Behaviour windows and counts, traits, predictions, consent, sources and segment membership on a real SQLite store.</summary>
public class SegmentSubqueryRuleTests : IAsyncLifetime
{
    private SegmentWorld world = null!;

    public async Task InitializeAsync()
    {
        world = await SegmentWorld.CreateAsync();
        foreach (var name in new[] { "Ada", "Ben", "Cat", "Dan" }) await world.AddAsync(name);
        await world.AddInteractionAsync("Ada", "email.opened", 3);
        await world.AddInteractionAsync("Ben", "email.opened", 45); // outside a 30-day window
        await world.AddInteractionAsync("Cat", "track:Product Viewed", 2, "Garden");
        await world.AddInteractionAsync("Cat", "track:Product Viewed", 5, "Garden", InteractionChannel.App);
        await world.AddInteractionAsync("Dan", "track:Product Viewed", 2, "Garden");
        await world.AddInteractionAsync("Dan", "track:Product Viewed", 4, "Garden");
        await world.AddInteractionAsync("Dan", "order.placed", 1, "Garden");
        await world.AddInteractionAsync("Ada", "track:Product Viewed", 2, "Kitchen");
        await world.AddInteractionAsync("Ada", "track:Product Viewed", 3, "Kitchen");
        await world.AddTraitAsync("Ada", "plan", "Gold");
        await world.AddTraitAsync("Ben", "plan", "silver");
        await world.AddScoreAsync("Ada", ScoreKind.ChurnRisk, 0.82, "high");
        await world.AddScoreAsync("Ben", ScoreKind.ChurnRisk, 0.4, "medium");
        await world.AddScoreAsync("Cat", ScoreKind.NextBestOffer, 0.7, "offer:SPRING-BBQ");
        await world.AddConsentAsync("Ada", ConsentPurpose.EmailMarketing, ConsentStatus.Granted);
        await world.AddConsentAsync("Ben", ConsentPurpose.EmailMarketing, ConsentStatus.Withdrawn);
        await world.AddConsentAsync("Cat", ConsentPurpose.EmailMarketing, ConsentStatus.Granted, expiresAt: SegmentWorld.Now.AddDays(-1));
        await world.AddSourceRecordAsync("Ben", "shop");
    }

    public async Task DisposeAsync() => await world.Test.DisposeAsync();

    private static string All(string rule) => $$"""{ "type": "group", "combinator": "all", "rules": [ {{rule}} ] }""";

    [Theory]
    [InlineData("""{ "type": "behaviour", "event": "email.opened", "did": true, "withinDays": 30 }""", "Ada")]
    [InlineData("""{ "type": "behaviour", "event": "email.opened", "did": true }""", "Ada,Ben")]
    [InlineData("""{ "type": "behaviour", "event": "email.opened", "did": false, "withinDays": 30 }""", "Ben,Cat,Dan")]
    [InlineData("""{ "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "withinDays": 30, "category": "Garden" }""", "Cat,Dan")]
    [InlineData("""{ "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "withinDays": 3, "category": "Garden" }""", "")]
    [InlineData("""{ "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "category": "Garden", "channel": "Web" }""", "Dan")]
    [InlineData("""{ "type": "behaviour", "event": "track:Product Viewed", "did": false, "minTimes": 2 }""", "Ben")]
    [InlineData("""{ "type": "trait", "key": "plan", "operator": "equals", "values": ["gold"] }""", "Ada")]
    [InlineData("""{ "type": "trait", "key": "plan", "operator": "notEquals", "values": ["gold"] }""", "Ben")]
    [InlineData("""{ "type": "trait", "key": "plan", "operator": "isUnknown", "values": [] }""", "Cat,Dan")]
    [InlineData("""{ "type": "prediction", "kind": "ChurnRisk", "band": "high" }""", "Ada")]
    [InlineData("""{ "type": "prediction", "kind": "ChurnRisk", "minScore": 0.3, "maxScore": 0.5 }""", "Ben")]
    [InlineData("""{ "type": "prediction", "kind": "NextBestOffer", "offer": "SPRING-BBQ" }""", "Cat")]
    [InlineData("""{ "type": "consent", "purpose": "EmailMarketing", "granted": true }""", "Ada")] // Cat's grant expired
    [InlineData("""{ "type": "consent", "purpose": "EmailMarketing", "granted": false }""", "Ben,Cat,Dan")] // no record counts as not granted
    [InlineData("""{ "type": "source", "source": "shop" }""", "Ben")]
    public async Task SubqueryRule_SelectsExpectedPeople(string rule, string expected)
    {
        Assert.Equal(expected, string.Join(",", await world.MembersAsync(All(rule))));
    }

    [Fact]
    public async Task ViewedCategoryTwiceButDidNotBuy_FindsTheBrowserNotTheBuyer()
    {
        var json = All("""
            { "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "withinDays": 30, "category": "Garden" },
            { "type": "behaviour", "event": "order.placed", "did": false, "withinDays": 30, "category": "Garden" }
            """);
        Assert.Equal(["Cat"], await world.MembersAsync(json));
    }

    [Fact]
    public async Task SegmentRule_UsesTheOtherSegmentsRefreshedMembers()
    {
        var catalog = world.Test.Get<SegmentCatalog>();
        var actor = new Core.Audit.AuditActor("u1", "marketer@example.com");
        var openers = await catalog.CreateAsync("Openers", SegmentRuleJson.Parse(All("""{ "type": "behaviour", "event": "email.opened", "did": true, "withinDays": 30 }""")), actor);
        await world.Test.Get<SegmentRefresher>().RefreshAsync(openers);

        Assert.Equal(["Ada"], await world.MembersAsync(All($$"""{ "type": "segment", "segmentId": {{openers}}, "member": true }""")));
        Assert.Equal(["Ben", "Cat", "Dan"], await world.MembersAsync(All($$"""{ "type": "segment", "segmentId": {{openers}}, "member": false }""")));
    }
}
