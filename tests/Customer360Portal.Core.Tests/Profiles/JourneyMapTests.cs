using System.Diagnostics;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Profiles;

public class JourneyMapTests
{
    private static readonly DateTime Start = new(2025, 3, 3, 9, 0, 0, DateTimeKind.Utc);

    private static JourneyTouchpoint At(int day, string type, InteractionChannel channel = InteractionChannel.Web) =>
        new(Start.AddDays(day), type, channel, "Order 1001 for jon@example.com");

    [Fact]
    public void Build_EmptyInput_IsUnknownWithNoMomentsOrBuckets()
    {
        var map = JourneyMap.Build([], Start);

        Assert.Equal(LifecycleStage.Unknown, map.CurrentStage);
        Assert.Empty(map.Moments);
        Assert.Empty(map.Touchpoints);
        Assert.Empty(map.Channels);
    }

    [Fact]
    public void Build_VisitProductViewThenOrder_MovesThroughAwarenessConsiderationToPurchase()
    {
        var map = JourneyMap.Build(
            [At(0, "page.viewed"), At(1, "track:Product Viewed"), At(2, "order.placed", InteractionChannel.Store)], Start.AddDays(3));

        Assert.Equal(
            [
                new StageMoment(Start, LifecycleStage.Unknown, LifecycleStage.Awareness, "visited the website"),
                new StageMoment(Start.AddDays(1), LifecycleStage.Awareness, LifecycleStage.Consideration, "viewed products"),
                new StageMoment(Start.AddDays(2), LifecycleStage.Consideration, LifecycleStage.Purchase, "first order"),
            ],
            map.Moments);
        Assert.Equal(LifecycleStage.Purchase, map.CurrentStage);
    }

    [Fact]
    public void Build_InputInAnyOrder_GivesTheSameMap()
    {
        JourneyTouchpoint[] touchpoints = [At(0, "page.viewed"), At(3, "order.placed"), At(5, "email.clicked", InteractionChannel.Email), At(50, "order.placed")];

        var sorted = JourneyMap.Build(touchpoints, Start.AddDays(60));
        var shuffled = JourneyMap.Build(touchpoints.Reverse().ToArray(), Start.AddDays(60));

        Assert.Equal(sorted.Moments, shuffled.Moments);
        Assert.Equal(sorted.CurrentStage, shuffled.CurrentStage);
    }

    [Fact]
    public void Build_ActivitySoonAfterFirstOrder_IsOnboardingThenSecondOrderIsRetention()
    {
        var map = JourneyMap.Build([At(0, "order.placed"), At(5, "screen.viewed", InteractionChannel.App), At(40, "order.placed")], Start.AddDays(41));

        Assert.Equal(
            [("first order", LifecycleStage.Purchase), ("used the app", LifecycleStage.Onboarding), ("second order", LifecycleStage.Retention)],
            map.Moments.Select(m => (m.Trigger, m.To)));
        Assert.Equal(LifecycleStage.Retention, map.CurrentStage);
    }

    [Fact]
    public void Build_FifthOrder_MakesAnAdvocate()
    {
        var map = JourneyMap.Build([.. Enumerable.Range(0, 5).Select(i => At(i * 10, "order.placed"))], Start.AddDays(45));

        var last = map.Moments[^1];
        Assert.Equal((LifecycleStage.Retention, LifecycleStage.Advocacy, "fifth order", Start.AddDays(40)), (last.From, last.To, last.Trigger, last.At));
    }

    [Fact]
    public void Build_ReturnAfterPurchase_MovesToAtRisk()
    {
        var map = JourneyMap.Build([At(0, "order.placed"), At(10, "order.returned")], Start.AddDays(11));

        Assert.Equal(new StageMoment(Start.AddDays(10), LifecycleStage.Purchase, LifecycleStage.AtRisk, "returned an order"), map.Moments[^1]);
        Assert.Equal(LifecycleStage.AtRisk, map.CurrentStage);
    }

    [Fact]
    public void Build_UnsubscribeBeforeAnyPurchase_IsNotAtRisk()
    {
        var map = JourneyMap.Build([At(0, "email.opened", InteractionChannel.Email), At(1, "email.unsubscribed", InteractionChannel.Email)], Start.AddDays(400));

        Assert.Equal(LifecycleStage.Consideration, map.CurrentStage);
    }

    [Fact]
    public void Build_NoActivityAfterPurchase_InsertsAtRiskAndLapsedWhenTheThresholdsPassed()
    {
        // Emails we send are touchpoints, not the customer's activity: they do not reset the clock.
        var map = JourneyMap.Build([At(0, "order.placed"), At(60, "email.delivered", InteractionChannel.Email)], Start.AddDays(500));

        Assert.Equal(
            [
                new StageMoment(Start, LifecycleStage.Unknown, LifecycleStage.Purchase, "first order"),
                new StageMoment(Start.AddDays(90), LifecycleStage.Purchase, LifecycleStage.AtRisk, "no activity for 90 days"),
                new StageMoment(Start.AddDays(365), LifecycleStage.AtRisk, LifecycleStage.Lapsed, "no activity for 365 days"),
            ],
            map.Moments);
        Assert.Equal(LifecycleStage.Lapsed, map.CurrentStage);
    }

    [Fact]
    public void Build_InactivityThresholdNotYetPassed_InsertsNothing()
    {
        var map = JourneyMap.Build([At(0, "order.placed")], Start.AddDays(89));

        Assert.Equal(LifecycleStage.Purchase, map.CurrentStage);
    }

    [Fact]
    public void Build_OrderAfterLongGap_IsAtRiskAtTheThresholdThenWonBack()
    {
        var map = JourneyMap.Build([At(0, "order.placed"), At(20, "order.placed"), At(200, "order.placed")], Start.AddDays(201));

        Assert.Equal(
            [
                new StageMoment(Start.AddDays(110), LifecycleStage.Retention, LifecycleStage.AtRisk, "no activity for 90 days"),
                new StageMoment(Start.AddDays(200), LifecycleStage.AtRisk, LifecycleStage.Retention, "won back: third order"),
            ],
            map.Moments.TakeLast(2));
        Assert.Equal(LifecycleStage.Retention, map.CurrentStage);
    }

    [Fact]
    public void Build_TriggersCarryNoPersonalData()
    {
        var map = JourneyMap.Build([At(0, "page.viewed"), At(1, "order.placed"), At(2, "ticket.opened", InteractionChannel.Phone)], Start.AddDays(2));

        Assert.All(map.Moments, m => Assert.DoesNotContain("@", m.Trigger));
        Assert.All(map.Moments, m => Assert.DoesNotContain("1001", m.Trigger));
    }

    [Fact]
    public void Build_TwoYearSpan_BucketsByMonthWithPerChannelCountsSummingToTheInput()
    {
        var channels = new[] { InteractionChannel.Web, InteractionChannel.Email, InteractionChannel.Store };
        var touchpoints = Enumerable.Range(0, 730).Select(day => At(day, "page.viewed", channels[day % 3])).ToArray();

        var map = JourneyMap.Build(touchpoints, Start.AddDays(730));

        Assert.Equal(JourneyBucketSize.Month, map.BucketSize);
        Assert.Equal([InteractionChannel.Web, InteractionChannel.Email, InteractionChannel.Store], map.Channels);
        Assert.Equal(new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc), map.Touchpoints[0].Start);
        Assert.Equal(new DateTime(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc), map.Touchpoints[^1].Start);
        Assert.Equal(25, map.Touchpoints.Count);
        foreach (var channel in channels)
            Assert.Equal(touchpoints.Count(t => t.Channel == channel), map.Touchpoints.Sum(b => b.PerChannel[channel]));
        // March 2025 from the 3rd: 29 days, day 0 is Web.
        Assert.Equal(29, map.Touchpoints[0].PerChannel.Values.Sum());
    }

    [Theory]
    [InlineData(20, JourneyBucketSize.Day)]
    [InlineData(100, JourneyBucketSize.Week)]
    [InlineData(200, JourneyBucketSize.Month)]
    public void Build_BucketSize_FollowsTheSpan(int spanDays, JourneyBucketSize expected)
    {
        var map = JourneyMap.Build([At(0, "page.viewed"), At(spanDays, "page.viewed")], Start.AddDays(spanDays));

        Assert.Equal(expected, map.BucketSize);
        Assert.Equal(2, map.Touchpoints.Sum(b => b.PerChannel[InteractionChannel.Web]));
    }

    [Fact]
    public void Build_Weeks_StartOnMondayUtc()
    {
        var map = JourneyMap.Build([At(2, "page.viewed"), At(60, "page.viewed")], Start.AddDays(60));

        Assert.Equal(JourneyBucketSize.Week, map.BucketSize);
        Assert.All(map.Touchpoints, b => Assert.Equal((DayOfWeek.Monday, TimeSpan.Zero), (b.Start.DayOfWeek, b.Start.TimeOfDay)));
    }

    [Fact]
    public void Build_TenThousandTouchpoints_IsFast()
    {
        string[] types = ["page.viewed", "email.opened", "order.placed", "track:Product Viewed", "ticket.opened", "order.returned"];
        var touchpoints = Enumerable.Range(0, 20_000)
            .Select(i => new JourneyTouchpoint(Start.AddHours(i * 7 % 30_000), types[i % types.Length], (InteractionChannel)(i % 10), null))
            .ToArray();

        var watch = Stopwatch.StartNew();
        var map = JourneyMap.Build(touchpoints, Start.AddDays(2_000));
        watch.Stop();

        Assert.Equal(20_000, map.Touchpoints.Sum(b => b.PerChannel.Values.Sum()));
        Assert.True(watch.ElapsedMilliseconds < 1_000, $"took {watch.ElapsedMilliseconds} ms");
    }
}
