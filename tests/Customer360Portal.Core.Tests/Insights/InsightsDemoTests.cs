using Customer360Portal.Core.Audit;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Insights;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Tests.Insights;

/// <summary>The demo company, sent through the real intake, gives every chart something to show.</summary>
public sealed class InsightsDemoTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Refresh_OnTheDemoCompany_FillsEveryChart()
    {
        await using var test = await CoreHost.CreateAsync(b =>
        {
            b.AddInsights(runInBackground: false);
            b.AddPredictions(runInBackground: false);
        });
        var company = new DemoCompany(new DemoCompanyOptions { People = 300 });
        foreach (var source in DemoSources.All)
            await test.Get<SourceRegistry>().EnsureSourceAsync(source.Key, source.DisplayName, source.Kind, source.Connector, trustRank: source.TrustRank);
        var records = company.People().SelectMany(p => p.Records).OrderBy(r => r.At).ToList();
        foreach (var group in records.GroupBy(r => r.SourceKey))
            await test.Get<IntakePipeline>().IngestAsync(group.Key, group.Select(r => r.ToIncoming()).ToList());
        await test.Get<ProfileProjection>().CatchUpAsync();
        var trained = await test.Get<ChurnTraining>().TrainAsync(new ChurnScoringOptions { MinimumCustomers = 50 }, AuditActor.System("test"));
        Assert.True(trained.Trained, trained.Message);
        await test.Get<ChurnScoring>().ScoreAllAsync();

        await test.Get<InsightsRefresh>().RunAsync(rebuild: false, TimeSpan.FromDays(1));
        var dashboard = await test.Get<InsightsReader>().LoadAsync();

        var today = DateOnly.FromDateTime(CoreHost.Now.UtcDateTime);
        var twoYears = new DayRange(today.AddDays(-729), today);
        Assert.True(dashboard.Stages!.Data.Counts.Count(c => c.Customers > 0) >= 3, "stages in use");
        var flows = InsightsDashboard.FlowsIn(dashboard.StageFlow!.Data, twoYears);
        Assert.True(flows.Count >= 3, $"{flows.Count} kinds of moves");
        Assert.True(dashboard.StageFlow.Data.Moves.Select(m => m.Day).Distinct().Count() > 30, "moves spread over time");
        var revenue = InsightsDashboard.RevenueIn(dashboard.Revenue!.Data, twoYears);
        Assert.True(revenue.Channels.Count >= 2, $"order channels: {string.Join(", ", revenue.Channels.Select(c => c.Channel))}");
        Assert.True(revenue.Channels.Sum(c => c.TotalRevenueMinor) > 0);
        Assert.Contains(dashboard.Churn!.Data.Bands, b => b.Customers > 0 && b.RevenueAtRiskMinor > 0);
        var email = dashboard.Consent!.Data.Purposes.Single(p => p.Purpose == ConsentPurpose.EmailMarketing);
        Assert.True(email.Granted > 0 && email.Denied + email.Withdrawn > 0);
        Assert.True(dashboard.Sources.Count(s => s.Profiles > 0) >= 4, "sources contributing profiles");
        var journeys = InsightsDashboard.TopJourneys(dashboard.Journeys!.Data, twoYears, 8);
        Assert.True(journeys.Count >= 3, "distinct journeys");
        output.WriteLine($"stages: {string.Join(", ", dashboard.Stages.Data.Counts.Where(c => c.Customers > 0).Select(c => $"{c.Stage} {c.Customers}"))}");
        output.WriteLine($"moves: {string.Join(", ", flows.Take(5).Select(f => $"{f.From}->{f.To} {f.Customers}"))}");
        output.WriteLine($"revenue: {string.Join(", ", revenue.Channels.Select(c => $"{c.Channel} {c.TotalOrders} orders {c.TotalRevenueMinor / 100} {revenue.Currency}"))}");
        output.WriteLine($"churn: {string.Join(", ", dashboard.Churn.Data.Bands.Select(b => $"{b.Band} {b.Customers} at risk {b.RevenueAtRiskMinor / 100}"))}");
        output.WriteLine($"email consent: {email.Granted} granted, {email.Denied} denied, {email.Withdrawn} withdrawn, {email.NoRecord} none");
        output.WriteLine($"journeys: {string.Join(", ", journeys.Take(4).Select(j => $"{j.Path} -> {j.OrderChannel} {j.Customers}"))}");
    }
}
