using Customer360Portal.Core.Insights;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Insights;

/// <summary>The links follow the segment rule contract (segment-rules-contract.md) to the character.</summary>
public sealed class SegmentLinksTests
{
    [Fact]
    public void Stage_AtRisk_IsAFieldRuleInAnAllGroup()
    {
        var link = SegmentLinks.Stage(LifecycleStage.AtRisk);

        Assert.Equal("""{"type":"group","combinator":"all","rules":[{"type":"field","field":"lifecycleStage","operator":"equals","values":["AtRisk"]}]}""", link.RulesJson);
        Assert.Equal("Lifecycle stage: At risk", link.Name);
    }

    [Fact]
    public void ChurnBand_High_IsAPredictionRule()
    {
        Assert.Equal("""{"type":"group","combinator":"all","rules":[{"type":"prediction","kind":"ChurnRisk","band":"high"}]}""",
            SegmentLinks.ChurnBand("high").RulesJson);
    }

    [Fact]
    public void Consent_Granted_IsAConsentRuleWithThePurposeName()
    {
        Assert.Equal("""{"type":"group","combinator":"all","rules":[{"type":"consent","purpose":"EmailMarketing","granted":true}]}""",
            SegmentLinks.Consent(ConsentPurpose.EmailMarketing, granted: true).RulesJson);
    }

    [Fact]
    public void Source_IsASourceRuleWithTheKey()
    {
        Assert.Equal("""{"type":"group","combinator":"all","rules":[{"type":"source","source":"shop"}]}""", SegmentLinks.Source("shop").RulesJson);
    }

    [Fact]
    public void OrderedOn_IsABehaviourRuleWithChannelAndWindow()
    {
        Assert.Equal("""{"type":"group","combinator":"all","rules":[{"type":"behaviour","event":"order.placed","did":true,"minTimes":1,"withinDays":90,"channel":"App"}]}""",
            SegmentLinks.OrderedOn(InteractionChannel.App, 90).RulesJson);
    }

    [Fact]
    public void FirstBoughtOn_CombinesTenureAndTheOrderChannel()
    {
        Assert.Equal("""{"type":"group","combinator":"all","rules":[{"type":"field","field":"tenureDays","operator":"lessOrEqual","values":["30"]},{"type":"behaviour","event":"order.placed","did":true,"minTimes":1,"withinDays":30,"channel":"Web"}]}""",
            SegmentLinks.FirstBoughtOn(InteractionChannel.Web, 30, "Email → Web").RulesJson);
    }

    [Fact]
    public void Href_EscapesRulesAndName_ForTheSegmentBuilder()
    {
        var link = SegmentLinks.Stage(LifecycleStage.AtRisk);

        Assert.StartsWith("/segments/new?rules=%7B%22type%22%3A%22group%22", link.Href);
        Assert.EndsWith("&name=Lifecycle%20stage%3A%20At%20risk", link.Href);
        var query = link.Href[(link.Href.IndexOf('?') + 1)..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal(link.RulesJson, query["rules"]);
        Assert.Equal(link.Name, query["name"]);
    }
}
