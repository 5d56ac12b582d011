using Customer360Portal.Core.Predictions.Churn;
using static Customer360Portal.Core.Predictions.Churn.ChurnFeatureLayout;

namespace Customer360Portal.Core.Tests.Predictions.Churn;

public sealed class ChurnFeatureLayoutTests
{
    private static readonly DateTime Cutoff = new(2025, 7, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ChurnFeatureLayout Layout = WithTraits([NumericTraitColumn("points"), TraitValueColumn("plan", "gold")]);

    private static DateTime Before(double days) => Cutoff.AddDays(-days);

    private static float Feature(ChurnFeatureLayout layout, ChurnFeatureRow row, string column) =>
        row.Features[layout.Columns.ToList().IndexOf(column)];

    /// <summary>A customer with a bit of everything before the cut-off.</summary>
    private static CustomerHistory Busy()
    {
        var history = new CustomerHistory("42");
        history.Events.AddRange(
        [
            new ActivityEvent("order.placed", Before(200), 30m), new ActivityEvent("order.placed", Before(100), 20m),
            new ActivityEvent("order.placed", Before(40), 50m), new ActivityEvent(OrderReturned, Before(35)),
            new ActivityEvent("ticket.opened", Before(60), Reference: "T1"), new ActivityEvent("ticket.solved", Before(58), Satisfaction: 2, Reference: "T1"),
            new ActivityEvent("ticket.opened", Before(10), Reference: "T2"),
            new ActivityEvent("email.sent", Before(50)), new ActivityEvent("email.sent", Before(20)), new ActivityEvent("email.opened", Before(19)),
            new ActivityEvent("email.clicked", Before(19)),
            new ActivityEvent("page.viewed", Before(150)), new ActivityEvent("page.viewed", Before(120)), new ActivityEvent("track:Product Viewed", Before(5)),
        ]);
        history.Traits.AddRange([new TraitValue("points", "120", Before(300)), new TraitValue("plan", "Gold", Before(300))]);
        history.EmailConsent.AddRange([new ConsentChange(true, Before(400)), new ConsentChange(false, Before(30))]);
        return history;
    }

    [Fact]
    public void Row_DataAfterTheCutoff_ChangesNoFeature()
    {
        var rule = ChurnRule.Inactivity(90);
        var before = Layout.Row(Busy(), Cutoff, rule)!;
        var busier = Busy();
        // Every kind of data, at and after the cut-off: none of it may leak into the features.
        busier.Events.AddRange(
        [
            new ActivityEvent("order.placed", Cutoff, 999m), new ActivityEvent("order.placed", Cutoff.AddDays(30), 5m),
            new ActivityEvent(OrderReturned, Cutoff.AddDays(1)), new ActivityEvent("ticket.solved", Cutoff.AddDays(1), Satisfaction: 5, Reference: "T2"),
            new ActivityEvent("ticket.opened", Cutoff.AddDays(2), Reference: "T3"), new ActivityEvent("email.sent", Cutoff.AddDays(2)),
            new ActivityEvent("email.opened", Cutoff.AddDays(3)), new ActivityEvent("email.clicked", Cutoff.AddDays(3)),
            new ActivityEvent("page.viewed", Cutoff.AddHours(1)), new ActivityEvent("track:Signed In", Cutoff.AddDays(4)),
        ]);
        busier.Traits.Clear();
        busier.Traits.AddRange([new TraitValue("points", "5000", Cutoff.AddDays(1)), new TraitValue("plan", "Gold", Before(300))]);
        busier.EmailConsent.Add(new ConsentChange(true, Cutoff.AddDays(2)));

        var after = Layout.Row(busier, Cutoff, rule)!;

        Assert.Equal(before.Features.Take(Layout.Columns.Count - 2), after.Features.Take(Layout.Columns.Count - 2));
        Assert.Equal(1, Feature(Layout, after, TraitValueColumn("plan", "gold")));
        // The points trait was re-set after the cut-off: its value then is unknown, never the later one.
        Assert.Equal(120, Feature(Layout, before, NumericTraitColumn("points")));
        Assert.True(float.IsNaN(Feature(Layout, after, NumericTraitColumn("points"))));
        Assert.True(before.Churned);
        Assert.False(after.Churned);
    }

    [Fact]
    public void Features_ReturnsTicketsEmailWebAndConsent()
    {
        var row = Layout.Row(Busy(), Cutoff, ChurnRule.Inactivity(90))!;

        Assert.Equal(1, Feature(Layout, row, ReturnsTotal));
        Assert.Equal(1f / 3, Feature(Layout, row, ReturnRate), 4);
        Assert.Equal(2, Feature(Layout, row, TicketsTotal));
        Assert.Equal(1, Feature(Layout, row, TicketsUnresolved)); // T2 is still open at the cut-off
        Assert.Equal(2, Feature(Layout, row, SatisfactionAverage));
        Assert.Equal(1, Feature(Layout, row, LowSatisfactionTickets));
        Assert.Equal(1, Feature(Layout, row, EmailsOpenedLast90Days));
        Assert.Equal(1, Feature(Layout, row, EmailsClickedLast90Days));
        Assert.Equal(0.5f, Feature(Layout, row, EmailOpenRate180Days));
        Assert.Equal(19, Feature(Layout, row, DaysSinceEmailEngagement));
        Assert.Equal(1, Feature(Layout, row, WebVisitsLast90Days));
        Assert.Equal(2, Feature(Layout, row, WebVisitsPrevious90Days));
        Assert.Equal(-1, Feature(Layout, row, WebTrend));
        Assert.Equal(5, Feature(Layout, row, DaysSinceWebVisit));
        Assert.Equal(0, Feature(Layout, row, EmailMarketingConsent)); // withdrawn 30 days before
        Assert.Equal(1, Feature(Layout, row, ConsentWithdrawalsLastYear));
        Assert.Equal(40, Feature(Layout, row, ChurnFeatureBuilder.DaysSinceLastPurchase));
    }

    [Fact]
    public void Row_NoPurchaseBeforeTheCutoff_IsNotInThePopulation()
    {
        var history = new CustomerHistory("7");
        history.Events.AddRange([new ActivityEvent("page.viewed", Before(3)), new ActivityEvent("order.placed", Cutoff.AddDays(2))]);

        Assert.Null(Layout.Row(history, Cutoff, ChurnRule.Inactivity(90)));
    }

    [Theory]
    [InlineData(new[] { "order.placed" }, true)]
    [InlineData(new[] { "order.placed", "track:Signed In" }, false)]
    public void Row_Inactivity_CountsOnlyTheConfiguredActivity(string[] activityTypes, bool churned)
    {
        var history = new CustomerHistory("1");
        history.Events.AddRange([new ActivityEvent("order.placed", Before(20), 10m), new ActivityEvent("track:Signed In", Cutoff.AddDays(30))]);

        var row = Layout.Row(history, Cutoff, ChurnRule.Inactivity(90, activityTypes))!;

        Assert.Equal(churned, row.Churned);
    }

    [Fact]
    public void Row_CancellationEvent_ChurnsOnlyWhenCancelledInTheWindow_AndLeavesOutEarlierCancellations()
    {
        var rule = ChurnRule.Cancellation(30, eventType: "subscription.cancelled");
        CustomerHistory Subscriber(string id, double? cancelledDaysAfterCutoff)
        {
            var history = new CustomerHistory(id);
            history.Events.Add(new ActivityEvent("order.placed", Before(200), 10m)); // no purchase since: inactivity would say churned
            if (cancelledDaysAfterCutoff is { } days) history.Events.Add(new ActivityEvent("subscription.cancelled", Cutoff.AddDays(days)));
            return history;
        }

        Assert.True(Layout.Row(Subscriber("a", 10), Cutoff, rule)!.Churned);
        Assert.False(Layout.Row(Subscriber("b", null), Cutoff, rule)!.Churned);
        Assert.False(Layout.Row(Subscriber("c", 45), Cutoff, rule)!.Churned); // after the window
        Assert.Null(Layout.Row(Subscriber("d", -5), Cutoff, rule)); // already gone at the cut-off
    }

    [Fact]
    public void Row_CancellationTrait_ChurnsWhenTheTraitTakesTheValueInTheWindow()
    {
        var rule = ChurnRule.Cancellation(30, traitKey: "status", traitValue: "cancelled");
        CustomerHistory Subscriber(string value, DateTime updatedAt)
        {
            var history = new CustomerHistory("s");
            history.Events.Add(new ActivityEvent("order.placed", Before(10), 10m));
            history.Traits.Add(new TraitValue("status", value, updatedAt));
            return history;
        }

        Assert.True(Layout.Row(Subscriber("Cancelled", Cutoff.AddDays(3)), Cutoff, rule)!.Churned);
        Assert.False(Layout.Row(Subscriber("active", Cutoff.AddDays(3)), Cutoff, rule)!.Churned);
        Assert.Null(Layout.Row(Subscriber("cancelled", Before(3)), Cutoff, rule));
    }

    [Fact]
    public void TraitColumns_NumericTraitsAsNumbers_OthersByTheirMostCommonValues()
    {
        var columns = TraitColumns(new Dictionary<string, IReadOnlyList<(string Value, int Count)>>
        {
            ["points"] = [("10", 50), ("250.5", 40), ("n/a", 2)],
            ["plan"] = [("gold", 30), ("Silver", 20), ("silver", 5), ("bronze", 1)],
            ["empty"] = [],
        }, topValues: 2);

        Assert.Equal(["trait:plan=gold", "trait:plan=silver", "trait:points"], columns);
    }

    [Fact]
    public void Describe_RuleInPlainWords()
    {
        Assert.Equal("no purchase within 90 days after the cut-off", ChurnRule.Inactivity(90).Describe());
        Assert.Equal("no purchase or \"track:Signed In\" within 60 days after the cut-off",
            ChurnRule.Inactivity(60, "order.placed", "track:Signed In").Describe());
        Assert.Equal("the trait \"status\" set to \"cancelled\" within 30 days after the cut-off",
            ChurnRule.Cancellation(30, traitKey: "status", traitValue: "cancelled").Describe());
    }
}
