using Bunit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Web.Components.Pages.Customers;

namespace Customer360Portal.Web.Tests.Components.Pages.Customers;

/// <summary>The churn explanation on the profile: the risk, its reasons in plain words and the model version.</summary>
public class PredictionLineTests : PortalTestContext
{
    [Fact]
    public void ChurnRisk_ShowsPercentBandAndEachReasonInPlainWords()
    {
        var prediction = new Prediction(0.72, "high", "churn-3", new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc),
            ["no purchase for 140 days, usually every 30", "2 unresolved support tickets"]);

        var line = Render<PredictionLine>(p => p.Add(x => x.Title, "Churn risk").Add(x => x.Prediction, prediction).Add(x => x.TestId, "churn-risk").Add(x => x.Percent, true));

        Assert.Equal("72% · high", line.Find("[data-testid=churn-risk-value]").TextContent.Trim());
        Assert.Equal(["no purchase for 140 days, usually every 30", "2 unresolved support tickets"],
            line.FindAll("[data-testid=churn-risk-reasons] li").Select(li => li.TextContent.Trim()));
        Assert.Contains("Model churn-3", line.Markup);
    }

    [Fact]
    public void NoPrediction_SaysNoModelYet_AndNoNumber()
    {
        var line = Render<PredictionLine>(p => p.Add(x => x.Title, "Churn risk").Add(x => x.TestId, "churn-risk").Add(x => x.Percent, true));

        Assert.Contains("No model yet", line.Find("[data-testid=churn-risk-none]").TextContent);
        Assert.Empty(line.FindAll("[data-testid=churn-risk-value]"));
    }
}
