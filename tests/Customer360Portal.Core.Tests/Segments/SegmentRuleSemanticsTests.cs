using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Segments;

/// <summary>What each rule and operator selects, against a real SQLite store: unknown values never match a comparison.</summary>
public class SegmentRuleSemanticsTests : IAsyncLifetime
{
    private SegmentWorld world = null!;

    public async Task InitializeAsync()
    {
        world = await SegmentWorld.CreateAsync();
        await world.AddAsync("Ada", c => { c.City = "London"; c.LifecycleStage = LifecycleStage.AtRisk; c.LifetimeValueMinor = 25_000; c.OrderCount = 2;
            c.LastPurchaseAt = SegmentWorld.Now.AddDays(-10); c.FirstPurchaseAt = SegmentWorld.Now.AddDays(-300); c.DateOfBirth = new DateOnly(1990, 6, 1); });
        await world.AddAsync("Ben", c => { c.City = "Paris"; c.LifecycleStage = LifecycleStage.Lapsed; c.LifetimeValueMinor = 9_999; c.OrderCount = 1;
            c.LastPurchaseAt = SegmentWorld.Now.AddDays(-31); c.FirstPurchaseAt = SegmentWorld.Now.AddDays(-31); c.DateOfBirth = new DateOnly(1980, 12, 1); });
        await world.AddAsync("Cat", c => { c.City = null; c.Email = null; c.LifecycleStage = LifecycleStage.Unknown; c.CreatedAt = new DateTime(2026, 11, 1, 15, 0, 0, DateTimeKind.Utc); });
        await world.AddAsync("Dan", c => { c.City = "london"; c.LifecycleStage = LifecycleStage.Retention; c.LifetimeValueMinor = 10_000; c.OrderCount = 4; c.Anonymous = true; });
        await world.AddAsync("Restricted", c => { c.City = "London"; c.LifecycleStage = LifecycleStage.AtRisk; }, CustomerStatus.Restricted);
        await world.AddAsync("Merged", c => { c.City = "London"; c.LifecycleStage = LifecycleStage.AtRisk; }, CustomerStatus.Merged);
        await world.AddAsync("Erased", c => { c.City = null; c.LifecycleStage = LifecycleStage.AtRisk; }, CustomerStatus.Erased);
    }

    public async Task DisposeAsync() => await world.Test.DisposeAsync();

    private static string Field(string field, string op, params string[] values) =>
        $$"""{ "type": "group", "combinator": "all", "rules": [ { "type": "field", "field": "{{field}}", "operator": "{{op}}", "values": [{{string.Join(",", values.Select(v => $"\"{v}\""))}}] } ] }""";

    [Theory]
    [InlineData("city", "equals", new[] { "LONDON" }, "Ada,Dan")]
    [InlineData("city", "notEquals", new[] { "London" }, "Ben")] // Cat's unknown city is not "not London"
    [InlineData("city", "in", new[] { "paris", "Rome" }, "Ben")]
    [InlineData("city", "notIn", new[] { "Paris" }, "Ada,Dan")]
    [InlineData("city", "contains", new[] { "ond" }, "Ada,Dan")]
    [InlineData("city", "startsWith", new[] { "par" }, "Ben")]
    [InlineData("city", "isKnown", new string[0], "Ada,Ben,Dan")]
    [InlineData("city", "isUnknown", new string[0], "Cat")]
    [InlineData("email", "isUnknown", new string[0], "Cat")]
    [InlineData("lifecycleStage", "in", new[] { "AtRisk", "Lapsed" }, "Ada,Ben")] // restricted, merged and erased profiles never appear
    [InlineData("lifecycleStage", "notEquals", new[] { "AtRisk" }, "Ben,Dan")]
    [InlineData("lifecycleStage", "isUnknown", new string[0], "Cat")]
    [InlineData("lifetimeValue", "greaterOrEqual", new[] { "100" }, "Ada,Dan")]
    [InlineData("lifetimeValue", "greaterThan", new[] { "100" }, "Ada")]
    [InlineData("lifetimeValue", "lessThan", new[] { "100" }, "Ben,Cat")]
    [InlineData("lifetimeValue", "between", new[] { "99.99", "100" }, "Ben,Dan")]
    [InlineData("orderCount", "equals", new[] { "4" }, "Dan")]
    [InlineData("averageOrderValue", "greaterOrEqual", new[] { "100" }, "Ada")] // 125 and 99.99; Dan 25; Cat has no orders
    [InlineData("averageOrderValue", "lessThan", new[] { "100" }, "Ben,Dan")]
    [InlineData("daysSinceLastPurchase", "lessOrEqual", new[] { "30" }, "Ada")]
    [InlineData("daysSinceLastPurchase", "greaterThan", new[] { "30" }, "Ben")]
    [InlineData("daysSinceLastPurchase", "equals", new[] { "31" }, "Ben")]
    [InlineData("daysSinceLastPurchase", "notEquals", new[] { "10" }, "Ben")] // no purchase is not "not 10 days"
    [InlineData("daysSinceLastPurchase", "isUnknown", new string[0], "Cat,Dan")]
    [InlineData("tenureDays", "greaterOrEqual", new[] { "100" }, "Ada")]
    [InlineData("age", "between", new[] { "30", "40" }, "Ada")] // 36; Ben is 45
    [InlineData("age", "greaterThan", new[] { "40" }, "Ben")]
    [InlineData("dateOfBirth", "lessThan", new[] { "1985-01-01" }, "Ben")]
    [InlineData("createdAt", "equals", new[] { "2026-11-01" }, "Cat")]
    [InlineData("createdAt", "greaterThan", new[] { "2026-10-31" }, "Cat")]
    [InlineData("anonymous", "equals", new[] { "true" }, "Dan")]
    [InlineData("anonymous", "notEquals", new[] { "true" }, "Ada,Ben,Cat")]
    public async Task FieldRule_Operator_SelectsExpectedPeople(string field, string op, string[] values, string expected)
    {
        Assert.Equal(expected, string.Join(",", await world.MembersAsync(Field(field, op, values))));
    }

    [Fact]
    public async Task GroupRules_NestAnyInsideAllAndNegate()
    {
        var json = """
            { "type": "group", "combinator": "all", "rules": [
              { "type": "field", "field": "city", "operator": "isKnown", "values": [] },
              { "type": "group", "combinator": "any", "rules": [
                { "type": "field", "field": "lifecycleStage", "operator": "equals", "values": ["Lapsed"] },
                { "type": "field", "field": "orderCount", "operator": "greaterOrEqual", "values": ["4"] } ] },
              { "type": "group", "combinator": "all", "negate": true, "rules": [
                { "type": "field", "field": "anonymous", "operator": "equals", "values": ["true"] } ] } ] }
            """;
        Assert.Equal(["Ben"], await world.MembersAsync(json));
    }

    [Fact]
    public async Task EmptyRoot_IsEveryActiveProfile()
    {
        Assert.Equal(["Ada", "Ben", "Cat", "Dan"], await world.MembersAsync("""{ "type": "group", "combinator": "all", "rules": [] }"""));
    }
}
