using System.Text.Json;
using Bunit;
using Customer360Portal.Core.Access;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Insights;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Insights;
using Customer360Portal.Web.Components.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Insights;

/// <summary>The marketers' dashboard on a real store: charts with the right series, freshness, links to segments, empty states.</summary>
public class InsightsPageTests : PortalTestContext
{
    private static readonly DateTime Now = DateTime.UtcNow;

    private async Task<TestProfileStore> StoreAsync()
    {
        var store = await UseProfileStoreAsync(b =>
        {
            b.AddInsights(runInBackground: false);
            b.AddSegments(runInBackground: false);
        });
        Services.AddSingleton(store.Host.Services.GetRequiredService<InsightsReader>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<InsightsJob>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<SegmentCatalog>());
        return store;
    }

    /// <summary>Two buyers (web 200 days ago and 10 days ago, app 5 days ago), one at risk of churning, one consenting to email.</summary>
    private static async Task SeedAsync(TestProfileStore store, bool withScores = true)
    {
        await using var db = await store.Stores.CreateDbContextAsync();
        var ann = new Customer { Status = CustomerStatus.Active, LifecycleStage = LifecycleStage.Retention, LifetimeValueMinor = 30_000, Currency = "GBP",
            FirstPurchaseAt = Now.AddDays(-200), LastActivityAt = Now.AddDays(-10), CreatedAt = Now, UpdatedAt = Now };
        var ben = new Customer { Status = CustomerStatus.Active, LifecycleStage = LifecycleStage.Purchase, LifetimeValueMinor = 5_000, Currency = "GBP",
            FirstPurchaseAt = Now.AddDays(-5), LastActivityAt = Now.AddDays(-5), CreatedAt = Now, UpdatedAt = Now };
        db.Customers.AddRange(ann, ben);
        await db.SaveChangesAsync();
        void Order(Customer who, InteractionChannel channel, int daysAgo, long amount) => db.Interactions.Add(new Interaction
        {
            CustomerId = who.Id, SourceKey = "shop", Type = "order.placed", Channel = channel, OccurredAt = Now.AddDays(-daysAgo), Summary = "order",
            AmountMinor = amount, Currency = "GBP",
        });
        Order(ann, InteractionChannel.Web, 200, 20_000);
        Order(ann, InteractionChannel.Web, 10, 10_000);
        Order(ben, InteractionChannel.App, 5, 5_000);
        db.Interactions.Add(new Interaction { CustomerId = ben.Id, SourceKey = "email", Type = "email.opened", Channel = InteractionChannel.Email, OccurredAt = Now.AddDays(-9), Summary = "opened" });
        if (withScores)
        {
            db.Scores.Add(new CustomerScore { CustomerId = ann.Id, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-1", Value = 0.9, Label = "high", ScoredAt = Now });
            db.Scores.Add(new CustomerScore { CustomerId = ben.Id, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-1", Value = 0.1, Label = "low", ScoredAt = Now });
        }
        db.ConsentStates.Add(new ConsentState { CustomerId = ann.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, UpdatedAt = Now.AddDays(-30) });
        db.DataSources.Add(new DataSource { Key = "shop", DisplayName = "Shop", Received = 3, Stored = 3, CreatedAt = Now, LastRecordAt = Now });
        await db.SaveChangesAsync();
        await store.Host.Services.GetRequiredService<InsightsRefresh>().RunAsync(rebuild: false, TimeSpan.FromDays(1));
    }

    private IRenderedComponent<InsightsPage> RenderPage(string waitFor = "[data-testid=insight-stages], [data-testid=empty-state]")
    {
        SignInAs("marketer@example.com", PortalRoles.Marketer);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<InsightsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(waitFor)), WaitTimeout);
        return page;
    }

    private static JsonElement OptionsOf(IRenderedComponent<InsightsPage> page, string testId) =>
        JsonSerializer.SerializeToElement(page.FindComponents<ApexChart>().Single(c => c.Instance.TestId == testId).Instance.Options);

    private static string[] SeriesNames(JsonElement options) => options.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray();

    [Fact]
    public async Task EmptyStore_SaysNothingIsComputedYet_AndOffersARefresh()
    {
        await StoreAsync();

        var page = RenderPage();

        Assert.Contains("No insights computed yet", page.Find("[data-testid=empty-state]").TextContent);
        Assert.Empty(page.FindComponents<ApexChart>());
        Assert.False(page.Find("[data-testid=insights-refresh]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Computed_RendersEveryChartWithItsSeries()
    {
        var store = await StoreAsync();
        await SeedAsync(store);

        var page = RenderPage();

        Assert.Equal(["chart-stages", "chart-flows", "chart-revenue", "chart-orders", "chart-churn", "chart-consent", "chart-sources", "chart-journeys"],
            page.FindComponents<ApexChart>().Select(c => c.Instance.TestId));
        var revenue = OptionsOf(page, "chart-revenue");
        Assert.Equal(["Web", "App"], SeriesNames(revenue));
        Assert.Equal("GBP", revenue.GetProperty("c360Formats").GetProperty("values").GetProperty("currency").GetString());
        Assert.Equal(300m, revenue.GetProperty("series")[0].GetProperty("data").EnumerateArray().Sum(v => v.GetDecimal()));
        Assert.Equal(["Customers", "Revenue at risk (per year)"], SeriesNames(OptionsOf(page, "chart-churn")));
        var stages = OptionsOf(page, "chart-stages");
        Assert.Contains("Retention", stages.GetProperty("xaxis").GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("No saved segments yet", page.Find("[data-testid=insight-segment-sizes-none]").TextContent);
    }

    [Fact]
    public async Task SegmentSizes_RefreshedSegment_DrawnOverTimeOnTheDashboard()
    {
        var store = await StoreAsync();
        await SeedAsync(store);
        var catalog = store.Host.Services.GetRequiredService<SegmentCatalog>();
        var buyers = await catalog.CreateAsync("Retained buyers", SegmentRuleJson.Parse(
            """{ "type": "group", "combinator": "all", "rules": [ { "type": "field", "field": "lifecycleStage", "operator": "equals", "values": ["Retention"] } ] }"""),
            new AuditActor("u", "marketer@example.com"));
        await store.Host.Services.GetRequiredService<SegmentRefresher>().RefreshAsync(buyers);
        SignInAs("marketer@example.com", PortalRoles.Marketer);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=segment-sizes-chart]")), WaitTimeout);
        var chart = page.FindComponents<ApexChart>().Single(c => c.Instance.TestId == "segment-sizes-chart");
        var options = JsonSerializer.SerializeToElement(chart.Instance.Options);
        Assert.Contains("Retained buyers", options.GetRawText());
    }

    [Fact]
    public async Task Computed_EachChartSaysWhenAndHowFresh()
    {
        var store = await StoreAsync();
        await SeedAsync(store);

        var page = RenderPage();

        var revenue = page.Find("[data-testid=insight-revenue]");
        Assert.Equal("Snapshot", revenue.QuerySelector("[data-testid=freshness-kind]")!.TextContent.Trim());
        Assert.Matches(@"^Computed \d+ \w+ \d{4} \d\d:\d\d UTC · data through \d+ \w+ \d{4} \d\d:\d\d UTC", revenue.QuerySelector("[data-testid=freshness]")!.TextContent);
        Assert.Equal("Live", page.Find("[data-testid=insight-sources] [data-testid=freshness-kind]").TextContent.Trim());
    }

    [Fact]
    public async Task Computed_LinksOpenTheSegmentBuilderWithTheRules()
    {
        var store = await StoreAsync();
        await SeedAsync(store);

        var page = RenderPage();

        var stageLinks = page.FindAll("[data-testid=insight-stages] a[data-testid=segment-link]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains(SegmentLinks.Stage(LifecycleStage.Retention).Href, stageLinks);
        var churnLinks = page.FindAll("[data-testid=insight-churn] a[data-testid=segment-link]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains(SegmentLinks.ChurnBand("high").Href, churnLinks);
        Assert.Contains(SegmentLinks.Consent(ConsentPurpose.EmailMarketing, true).Href,
            page.FindAll("[data-testid=insight-consent] a[data-testid=segment-link]").Select(a => a.GetAttribute("href")));
        Assert.Contains(SegmentLinks.Source("shop").Href, page.FindAll("[data-testid=insight-sources] a[data-testid=segment-link]").Select(a => a.GetAttribute("href")));
        // The default range is the last 365 days: "ordered on the web" looks back as far.
        Assert.Contains(SegmentLinks.OrderedOn(InteractionChannel.Web, 365).Href,
            page.FindAll("[data-testid=insight-revenue] a[data-testid=segment-link]").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task ShorterRange_FiltersRevenueAndTheLinksWindow()
    {
        var store = await StoreAsync();
        await SeedAsync(store);
        var page = RenderPage();

        page.Find("[data-testid=range-30]").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Equal(100m, OptionsOf(page, "chart-revenue").GetProperty("series")[0].GetProperty("data").EnumerateArray().Sum(v => v.GetDecimal()));
            Assert.Contains(SegmentLinks.OrderedOn(InteractionChannel.Web, 30).Href,
                page.FindAll("[data-testid=insight-revenue] a[data-testid=segment-link]").Select(a => a.GetAttribute("href")));
        }, WaitTimeout);
        Assert.Equal("1", page.Find("[data-testid=revenue-row][data-channel=Web] td:nth-child(2)").TextContent);
    }

    [Fact]
    public async Task NoScores_ChurnCardShowsItsEmptyState()
    {
        var store = await StoreAsync();
        await SeedAsync(store, withScores: false);

        var page = RenderPage();

        Assert.Contains("No churn scores yet", page.Find("[data-testid=insight-churn] [data-testid=chart-empty]").TextContent);
        Assert.DoesNotContain(page.FindComponents<ApexChart>(), c => c.Instance.TestId == "chart-churn");
    }

    [Fact]
    public async Task RefreshNow_QueuesAJob_AndSaysSo()
    {
        var store = await StoreAsync();
        var page = RenderPage();

        page.Find("[data-testid=insights-refresh]").Click();

        page.WaitForAssertion(() => Assert.Equal("Refresh queued…", page.Find("[data-testid=refresh-status]").TextContent), WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        var job = await db.Jobs.SingleAsync(j => j.Kind == InsightsJob.Kind);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal("id-of-marketer@example.com", job.RequestedByUserId);
    }
}
