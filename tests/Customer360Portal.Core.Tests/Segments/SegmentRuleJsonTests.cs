using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Segments;

/// <summary>The rule contract shared with the insights dashboard, the validation messages and the sentence.</summary>
public class SegmentRuleJsonTests
{
    private const string ContractExample = """
        { "type": "group", "combinator": "all", "negate": false, "rules": [
          { "type": "field", "field": "lifecycleStage", "operator": "in", "values": ["AtRisk", "Lapsed"] },
          { "type": "field", "field": "lifetimeValue", "operator": "greaterOrEqual", "values": ["100"] },
          { "type": "trait", "key": "plan", "operator": "equals", "values": ["gold"] },
          { "type": "behaviour", "event": "email.opened", "did": true, "minTimes": 1, "withinDays": 30 },
          { "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "withinDays": 30, "category": "Garden" },
          { "type": "behaviour", "event": "order.placed", "did": false, "withinDays": 30, "category": "Garden", "channel": "Web" },
          { "type": "prediction", "kind": "ChurnRisk", "band": "high" },
          { "type": "prediction", "kind": "NextBestOffer", "offer": "SPRING-BBQ" },
          { "type": "consent", "purpose": "EmailMarketing", "granted": true },
          { "type": "source", "source": "shop" },
          { "type": "segment", "segmentId": 12, "member": true },
          { "type": "group", "combinator": "any", "rules": [ { "rules": [], "type": "group", "combinator": "all", "negate": true } ] }
        ]}
        """;

    [Fact]
    public void Parse_ContractExample_ReadsEveryRuleTypeAndRoundTrips()
    {
        var root = Assert.IsType<GroupRule>(SegmentRuleJson.Parse(ContractExample));

        Assert.Equal(12, root.Rules.Count);
        var garden = Assert.IsType<BehaviourRule>(root.Rules[5]);
        Assert.False(garden.Did);
        Assert.Equal(InteractionChannel.Web, garden.Channel);
        Assert.Equal("Garden", garden.Category);
        Assert.Equal(ConsentPurpose.EmailMarketing, Assert.IsType<ConsentRule>(root.Rules[8]).Purpose);
        Assert.True(Assert.IsType<GroupRule>(Assert.IsType<GroupRule>(root.Rules[11]).Rules[0]).Negate); // "type" written last still reads
        var written = SegmentRuleJson.Write(root);
        Assert.Contains("\"operator\":\"greaterOrEqual\"", written);
        Assert.Contains("\"combinator\":\"any\"", written);
        Assert.Equal(written, SegmentRuleJson.Write(SegmentRuleJson.Parse(written)));
    }

    [Theory]
    [InlineData("""{ "type": "colour", "value": "red" }""")]
    [InlineData("""{ "type": "field", "field": "city", "operator": "roughly", "values": [] }""")]
    [InlineData("not json")]
    public void Parse_NotARuleTree_SaysSoWithoutThrowingSomethingElse(string json)
    {
        Assert.False(SegmentRuleJson.TryParse(json, out _, out var error));
        Assert.StartsWith("The rules are not valid JSON for a segment", error);
    }

    [Theory]
    [InlineData("""{ "type": "field", "field": "lifetimeValue", "operator": "between", "values": ["100"] }""", "Rule 1: \"between\" needs two values (from and to).")]
    [InlineData("""{ "type": "field", "field": "shoeSize", "operator": "equals", "values": ["9"] }""", "Rule 1: unknown field \"shoeSize\".")]
    [InlineData("""{ "type": "field", "field": "city", "operator": "greaterThan", "values": ["London"] }""", "Rule 1: city cannot be compared with \"is more than\".")]
    [InlineData("""{ "type": "field", "field": "lifetimeValue", "operator": "greaterThan", "values": ["lots"] }""", "Rule 1: lifetime value needs a number (e.g. 100 or 99.5), not \"lots\".")]
    [InlineData("""{ "type": "field", "field": "createdAt", "operator": "lessThan", "values": ["01/02/2026"] }""", "Rule 1: profile created needs a date as yyyy-MM-dd, not \"01/02/2026\".")]
    [InlineData("""{ "type": "field", "field": "city", "operator": "isKnown", "values": ["x"] }""", "Rule 1: \"is known\" takes no values.")]
    [InlineData("""{ "type": "group", "combinator": "any", "rules": [] }""", "Rule 1: the group is empty; add a rule to it or remove it.")]
    [InlineData("""{ "type": "behaviour", "event": "email.opened", "did": true, "withinDays": 0 }""", "Rule 1: the window must be at least 1 day (or leave it empty for ever).")]
    [InlineData("""{ "type": "prediction", "kind": "ChurnRisk", "band": "extreme" }""", "Rule 1: the churn risk band must be low, medium or high.")]
    public void Validate_BadRule_GivesAMessageTheMarketerCanActOn(string rule, string expected)
    {
        var problems = SegmentValidation.Validate(SegmentRuleJson.Parse($$"""{ "type": "group", "combinator": "all", "rules": [ {{rule}} ] }"""));

        Assert.StartsWith(expected.TrimEnd('.'), Assert.Single(problems));
    }

    [Fact]
    public void Describe_ReadsAsTheSegmentMeans()
    {
        var rule = SegmentRuleJson.Parse("""
            { "type": "group", "combinator": "all", "rules": [
              { "type": "field", "field": "lifecycleStage", "operator": "in", "values": ["AtRisk", "Lapsed"] },
              { "type": "behaviour", "event": "email.opened", "did": true, "withinDays": 30 },
              { "type": "consent", "purpose": "EmailMarketing", "granted": true } ] }
            """);

        Assert.Equal("Customers in stage At risk or Lapsed, who opened an email in the last 30 days, and who have granted email marketing",
            SegmentSentence.Describe(rule));
    }

    [Fact]
    public void Describe_NestedAndNegatedGroupsAndCounts()
    {
        var rule = SegmentRuleJson.Parse("""
            { "type": "group", "combinator": "all", "rules": [
              { "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "withinDays": 30, "category": "Garden" },
              { "type": "behaviour", "event": "order.placed", "did": false, "withinDays": 30 },
              { "type": "group", "combinator": "any", "negate": true, "rules": [
                { "type": "prediction", "kind": "ChurnRisk", "band": "high" },
                { "type": "segment", "segmentId": 7, "member": true } ] } ] }
            """);

        Assert.Equal("Customers who viewed a product in category Garden at least 2 times in the last 30 days, who did not place an order in the last 30 days, "
            + "and who are not (with high churn risk or in segment \"VIPs\")", SegmentSentence.Describe(rule, new Dictionary<long, string> { [7] = "VIPs" }));
    }
}
