using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Insights;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Customer360Portal.Core.Tests.Insights;

/// <summary>Each figure of the dashboard computed on a small known store (real SQLite), the date range and freshness.</summary>
public sealed class InsightsRefreshTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now);
    private static readonly TimeSpan Daily = TimeSpan.FromDays(1);

    private static Task<TestProfileStore> HostAsync() => CoreHost.CreateAsync(b => b.AddInsights(runInBackground: false));

    /// <summary>
    /// Ann: visited 800 days ago, ordered on the web 400 and 10 days ago (GBP 200 + 100), high churn risk, email granted.
    /// Ben: opened an email 20 days ago, visited 8 days ago, ordered in the app 5 days ago (GBP 50), low risk, email withdrawn.
    /// Cat: opened an email 3 days ago, no order. Dan: merged away (his order must not count as a customer's figure).
    /// Eve: buys in EUR (EUR 70, 30 days ago), medium risk.
    /// </summary>
    private sealed record People(long Ann, long Ben, long Cat, long Dan, long Eve);

    private static async Task<People> SeedAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        Customer Person(LifecycleStage stage, long ltv = 0, string? currency = null, DateTime? first = null, CustomerStatus status = CustomerStatus.Active,
            DateTime? lastActivity = null) => new()
        {
            Status = status, LifecycleStage = stage, LifetimeValueMinor = ltv, Currency = currency, FirstPurchaseAt = first, CreatedAt = Now.AddDays(-900),
            UpdatedAt = Now.AddDays(-1), LastActivityAt = lastActivity,
        };
        var ann = Person(LifecycleStage.Retention, 30_000, "GBP", Now.AddDays(-400), lastActivity: Now.AddDays(-10));
        var ben = Person(LifecycleStage.Purchase, 5_000, "GBP", Now.AddDays(-5), lastActivity: Now.AddDays(-5));
        var cat = Person(LifecycleStage.Consideration, lastActivity: Now.AddDays(-3));
        var dan = Person(LifecycleStage.Purchase, 9_900, "GBP", Now.AddDays(-2), CustomerStatus.Merged);
        var eve = Person(LifecycleStage.Purchase, 7_000, "EUR", Now.AddDays(-30), lastActivity: Now.AddDays(-30));
        store.Customers.AddRange(ann, ben, cat, dan, eve);
        await store.SaveChangesAsync();

        void Touch(Customer who, string type, InteractionChannel channel, int daysAgo, long? amount = null, string? currency = null) =>
            store.Interactions.Add(new Interaction
            {
                CustomerId = who.Id, SourceKey = amount is null ? "web" : "shop", Type = type, Channel = channel, OccurredAt = Now.AddDays(-daysAgo),
                Summary = type, AmountMinor = amount, Currency = currency,
            });
        Touch(ann, "page.viewed", InteractionChannel.Web, 800);
        Touch(ann, "order.placed", InteractionChannel.Web, 400, 20_000, "GBP");
        Touch(ann, "order.placed", InteractionChannel.Web, 10, 10_000, "GBP");
        Touch(ben, "email.opened", InteractionChannel.Email, 20);
        Touch(ben, "page.viewed", InteractionChannel.Web, 8);
        Touch(ben, "order.placed", InteractionChannel.App, 5, 5_000, "GBP");
        Touch(cat, "email.opened", InteractionChannel.Email, 3);
        Touch(eve, "order.placed", InteractionChannel.Web, 30, 7_000, "EUR");
        // Dan's order moved to no one in this data set: it is still revenue (orders are counted whoever placed them).
        Touch(dan, "order.placed", InteractionChannel.Phone, 2, 9_900, "GBP");

        void Score(Customer who, double value, string band) => store.Scores.Add(new CustomerScore
        {
            CustomerId = who.Id, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-2", Value = value, Label = band, ScoredAt = Now.AddHours(-2),
        });
        Score(ann, 0.8, "high");
        Score(ben, 0.2, "low");
        Score(eve, 0.5, "medium");
        Score(dan, 0.9, "high");

        store.ConsentStates.Add(new ConsentState { CustomerId = ann.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, UpdatedAt = Now.AddDays(-50) });
        store.ConsentStates.Add(new ConsentState { CustomerId = ben.Id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Withdrawn, UpdatedAt = Now.AddDays(-4) });

        store.DataSources.Add(new DataSource { Key = "shop", DisplayName = "Shop", Received = 5, Stored = 4, Quarantined = 1, CreatedAt = Now, LastRecordAt = Now.AddMinutes(-5) });
        store.DataSources.Add(new DataSource { Key = "crm", DisplayName = "CRM", Received = 3, Stored = 3, CreatedAt = Now, LastRecordAt = Now.AddMinutes(-30) });
        int n = 0;
        void Record(string source, Customer who) => store.SourceRecords.Add(new SourceRecord
        {
            SourceKey = source, ExternalId = $"x{++n}", Kind = "k", PayloadHash = $"h{n}", VersionKey = $"v{n}", CustomerId = who.Id,
            OccurredAt = Now.AddDays(-1), ReceivedAt = Now.AddMinutes(-n),
        });
        Record("shop", ann); Record("shop", ann); Record("shop", ben); Record("shop", eve);
        Record("crm", ann); Record("crm", ben); Record("crm", cat);
        store.Identifiers.Add(new Identifier { CustomerId = ann.Id, Type = IdentifierType.Email, Value = "a@example.test", SourceKey = "crm", FirstSeenAt = Now, LastSeenAt = Now });
        store.Identifiers.Add(new Identifier { CustomerId = ben.Id, Type = IdentifierType.Email, Value = "b@example.test", SourceKey = "shop", FirstSeenAt = Now, LastSeenAt = Now });
        store.Identifiers.Add(new Identifier { CustomerId = ben.Id, Type = IdentifierType.AccountId, Value = "B-1", SourceKey = "shop", FirstSeenAt = Now, LastSeenAt = Now });
        await store.SaveChangesAsync();
        return new People(ann.Id, ben.Id, cat.Id, dan.Id, eve.Id);
    }

    private static async Task<InsightsDashboard> RefreshAsync(TestProfileStore test, bool rebuild = false)
    {
        await test.Get<InsightsRefresh>().RunAsync(rebuild, Daily);
        return await test.Get<InsightsReader>().LoadAsync();
    }

    [Fact]
    public async Task Refresh_StageCounts_CountActiveProfilesPerStage()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);

        var dashboard = await RefreshAsync(test);

        var counts = dashboard.Stages!.Data.Counts.Where(c => c.Customers > 0).ToDictionary(c => c.Stage, c => c.Customers);
        Assert.Equal(new Dictionary<LifecycleStage, int> { [LifecycleStage.Consideration] = 1, [LifecycleStage.Purchase] = 2, [LifecycleStage.Retention] = 1 }, counts);
    }

    [Fact]
    public async Task Refresh_FirstPass_ReplaysStageHistoryFromInteractions()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);

        var dashboard = await RefreshAsync(test);

        var moves = dashboard.StageFlow!.Data.Moves;
        Assert.Contains(new StageMove(Today.AddDays(-800), LifecycleStage.Unknown, LifecycleStage.Awareness, 1), moves);
        Assert.Contains(new StageMove(Today.AddDays(-400), LifecycleStage.Awareness, LifecycleStage.Purchase, 1), moves);
        Assert.Contains(new StageMove(Today.AddDays(-10), LifecycleStage.Purchase, LifecycleStage.Retention, 1), moves);
        Assert.Contains(new StageMove(Today.AddDays(-20), LifecycleStage.Unknown, LifecycleStage.Consideration, 1), moves);
        Assert.Contains(new StageMove(Today.AddDays(-5), LifecycleStage.Consideration, LifecycleStage.Purchase, 1), moves);
        // Ben's visit after his email open was no move (awareness is behind consideration).
        Assert.DoesNotContain(moves, m => m.Day == Today.AddDays(-8));
    }

    [Fact]
    public async Task Refresh_LaterPass_CountsStageChangesDatedByLatestActivity()
    {
        await using var test = await HostAsync();
        var people = await SeedAsync(test);
        await RefreshAsync(test);
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Customers.Where(c => c.Id == people.Cat).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.LifecycleStage, LifecycleStage.Purchase).SetProperty(c => c.LastActivityAt, Now.AddDays(-1)));

        var dashboard = await RefreshAsync(test);

        var lastWeek = InsightsDashboard.FlowsIn(dashboard.StageFlow!.Data, new DayRange(Today.AddDays(-6), Today));
        // Ben's replayed move five days ago, Cat's first contact three days ago and her observed move yesterday.
        Assert.Equal([new StageFlow(LifecycleStage.Consideration, LifecycleStage.Purchase, 2), new StageFlow(LifecycleStage.Unknown, LifecycleStage.Consideration, 1)], lastWeek);
        Assert.Equal(3, dashboard.Stages!.Data.Counts.Single(c => c.Stage == LifecycleStage.Purchase).Customers);
        Assert.Equal(0, dashboard.Stages.Data.Counts.Single(c => c.Stage == LifecycleStage.Consideration).Customers);
    }

    [Fact]
    public async Task Refresh_MergedAwayProfile_LeavesTheStageCounts()
    {
        await using var test = await HostAsync();
        var people = await SeedAsync(test);
        await RefreshAsync(test);
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Customers.Where(c => c.Id == people.Eve).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CustomerStatus.Merged));

        var dashboard = await RefreshAsync(test);

        Assert.Equal(1, dashboard.Stages!.Data.Counts.Single(c => c.Stage == LifecycleStage.Purchase).Customers);
        await using var check = await test.Stores.CreateDbContextAsync();
        Assert.False(await check.StageMarks.AnyAsync(m => m.CustomerId == people.Eve));
    }

    [Fact]
    public async Task Refresh_Revenue_SumsOrdersPerDayChannelAndCurrency()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);

        var dashboard = await RefreshAsync(test);

        Assert.Equal(
        [
            new ChannelDay(Today.AddDays(-400), InteractionChannel.Web, "GBP", 1, 20_000),
            new ChannelDay(Today.AddDays(-30), InteractionChannel.Web, "EUR", 1, 7_000),
            new ChannelDay(Today.AddDays(-10), InteractionChannel.Web, "GBP", 1, 10_000),
            new ChannelDay(Today.AddDays(-5), InteractionChannel.App, "GBP", 1, 5_000),
            new ChannelDay(Today.AddDays(-2), InteractionChannel.Phone, "GBP", 1, 9_900),
        ], dashboard.Revenue!.Data.Days);
        Assert.Equal(Now.AddDays(-2), dashboard.Revenue.DataThrough);
        Assert.Equal(Now, dashboard.Revenue.ComputedAt);
    }

    [Fact]
    public async Task RevenueIn_DateRange_KeepsOnlyItsDaysAndTheMainCurrency()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);
        var dashboard = await RefreshAsync(test);

        var month = InsightsDashboard.RevenueIn(dashboard.Revenue!.Data, new DayRange(Today.AddDays(-30), Today));

        Assert.Equal(BucketSize.Day, month.Size);
        Assert.Equal(31, month.Buckets.Count);
        Assert.Equal("GBP", month.Currency);
        Assert.Equal(new Dictionary<string, int> { ["EUR"] = 1 }, month.OtherCurrencyOrders);
        Assert.Equal([InteractionChannel.Web, InteractionChannel.App, InteractionChannel.Phone], month.Channels.Select(c => c.Channel));
        var web = month.Channels.Single(c => c.Channel == InteractionChannel.Web);
        Assert.Equal((1, 10_000L), (web.TotalOrders, web.TotalRevenueMinor));
        Assert.Equal(10_000, web.RevenueMinor[month.Buckets.ToList().IndexOf(Today.AddDays(-10))]);

        var twoYears = InsightsDashboard.RevenueIn(dashboard.Revenue.Data, new DayRange(Today.AddDays(-729), Today));
        Assert.Equal(BucketSize.Month, twoYears.Size);
        Assert.Equal((2, 30_000L), (twoYears.Channels.Single(c => c.Channel == InteractionChannel.Web).TotalOrders,
            twoYears.Channels.Single(c => c.Channel == InteractionChannel.Web).TotalRevenueMinor));
    }

    [Fact]
    public async Task Refresh_NewOrder_IsAddedOnceByTheNextPass()
    {
        await using var test = await HostAsync();
        var people = await SeedAsync(test);
        await RefreshAsync(test);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            store.Interactions.Add(new Interaction
            {
                CustomerId = people.Ann, SourceKey = "shop", Type = "order.placed", Channel = InteractionChannel.Web, OccurredAt = Now.AddDays(-10).AddHours(1),
                Summary = "order", AmountMinor = 2_500, Currency = "GBP",
            });
            await store.SaveChangesAsync();
        }

        var dashboard = await RefreshAsync(test);

        Assert.Contains(new ChannelDay(Today.AddDays(-10), InteractionChannel.Web, "GBP", 2, 12_500), dashboard.Revenue!.Data.Days);
        Assert.Equal(5, dashboard.Revenue.Data.Days.Count);
        // A full rebuild from scratch agrees with the incremental figures.
        var rebuilt = await RefreshAsync(test, rebuild: true);
        Assert.Equal(dashboard.Revenue.Data.Days, rebuilt.Revenue!.Data.Days);
    }

    [Fact]
    public async Task Refresh_Churn_GivesCustomersValueAndRevenueAtRiskPerBand()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);

        var churn = (await RefreshAsync(test)).Churn!;

        Assert.Equal("GBP", churn.Data.Currency);
        Assert.Equal("churn-2", churn.Data.ModelVersion);
        Assert.Equal(1, churn.Data.OtherCurrencyCustomers);
        // Ann: 30,000 over 400 days is 27,375 a year; 80% of it at risk. Ben: 5,000 over his first (minimum) year; 20% at risk.
        Assert.Equal(
        [
            new ChurnBand("low", 1, 5_000, 5_000, 1_000),
            new ChurnBand("medium", 0, 0, 0, 0),
            new ChurnBand("high", 1, 30_000, 27_375, 21_900),
        ], churn.Data.Bands);
        Assert.Equal(Now.AddHours(-2), churn.DataThrough);
    }

    [Fact]
    public async Task Refresh_Consent_CountsCurrentStatesOverActiveKnownProfiles()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);

        var consent = (await RefreshAsync(test)).Consent!;

        Assert.Equal(4, consent.Data.Profiles);
        var email = consent.Data.Purposes.Single(p => p.Purpose == ConsentPurpose.EmailMarketing);
        Assert.Equal((1, 0, 1, 2), (email.Granted, email.Denied, email.Withdrawn, email.NoRecord));
        Assert.Equal(4, consent.Data.Purposes.Single(p => p.Purpose == ConsentPurpose.SmsMarketing).NoRecord);
        Assert.Equal(Now.AddDays(-4), consent.DataThrough);
    }

    [Fact]
    public async Task Refresh_Sources_CombineLiveCountersWithProfilesPerSource()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);

        var dashboard = await RefreshAsync(test);

        Assert.Equal(
        [
            new SourceContribution("crm", "CRM", 3, 3, 0, 0, 3, 1),
            new SourceContribution("shop", "Shop", 5, 4, 0, 1, 3, 2),
        ], dashboard.Sources);
        Assert.Equal(Now.AddMinutes(-5), dashboard.SourcesThrough);
    }

    [Fact]
    public async Task Refresh_Journeys_PathOfChannelsBeforeTheFirstOrder()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);

        var dashboard = await RefreshAsync(test);

        Assert.Equal(
        [
            new JourneyDay(Today.AddDays(-400), "Web", InteractionChannel.Web, 1),
            new JourneyDay(Today.AddDays(-30), InsightsRefresh.NoTouchpoint, InteractionChannel.Web, 1),
            new JourneyDay(Today.AddDays(-5), "Email → Web", InteractionChannel.App, 1),
        ], dashboard.Journeys!.Data.Days);
        var lastMonth = InsightsDashboard.TopJourneys(dashboard.Journeys.Data, new DayRange(Today.AddDays(-29), Today), 5);
        Assert.Equal([new JourneyPath("Email → Web", InteractionChannel.App, 1)], lastMonth);
    }

    [Fact]
    public void PathOf_CollapsesRepeatsAndKeepsTheLastSteps()
    {
        var path = InsightsRefresh.PathOf([InteractionChannel.Sms, InteractionChannel.Email, InteractionChannel.Email, InteractionChannel.Web,
            InteractionChannel.Email, InteractionChannel.App, InteractionChannel.App]);

        Assert.Equal("Web → Email → App", path);
        Assert.Equal("Direct", InsightsRefresh.PathOf([]));
    }

    [Fact]
    public async Task Load_EmptyStore_IsNeverComputedUntilTheFirstPass()
    {
        await using var test = await HostAsync();

        Assert.True((await test.Get<InsightsReader>().LoadAsync()).NeverComputed);
        var dashboard = await RefreshAsync(test);

        Assert.False(dashboard.NeverComputed);
        Assert.All(dashboard.Stages!.Data.Counts, c => Assert.Equal(0, c.Customers));
        Assert.Empty(dashboard.Revenue!.Data.Days);
        Assert.Null(dashboard.Revenue.DataThrough);
        Assert.DoesNotContain(dashboard.Churn!.Data.Bands, b => b.Customers > 0);
    }

    [Fact]
    public async Task RequestedRefresh_RunsAsAJob_AndTellsOpenPages()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);
        var job = test.Get<InsightsJob>();
        int changes = 0;
        job.Changed += () => Interlocked.Increment(ref changes);

        var id = await job.RequestAsync(new AuditActor("marketer-1", "Marketer"));
        Assert.Equal(id, await job.RequestAsync(new AuditActor("marketer-2", "Other")));
        Assert.True(await job.RunIfDueAsync());

        var dashboard = await test.Get<InsightsReader>().LoadAsync();
        Assert.Equal((id, JobStatus.Succeeded), (dashboard.LastRefresh!.Id, dashboard.LastRefresh.Status));
        Assert.Equal(InsightsRefresh.Steps, dashboard.LastRefresh.Done);
        Assert.NotNull(dashboard.Stages);
        Assert.True(changes >= 2);
        // Just ran: nothing due until the interval passes.
        Assert.False(await job.RunIfDueAsync());
        ((FakeTimeProvider)test.Host.Services.GetRequiredService<TimeProvider>()).Advance(TimeSpan.FromHours(1));
        Assert.True(await job.RunIfDueAsync());
    }

    [Fact]
    public async Task RunOnce_WhileAnotherPassRuns_StepsAside_UnlessThatPassIsStale()
    {
        await using var test = await HostAsync();
        await SeedAsync(test);
        long running;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var other = new BackgroundJob { Kind = InsightsJob.Kind, Status = JobStatus.Running, CreatedAt = Now.AddMinutes(-1), StartedAt = Now.AddMinutes(-1) };
            store.Jobs.Add(other);
            await store.SaveChangesAsync();
            running = other.Id;
        }
        var job = test.Get<InsightsJob>();

        Assert.Null(await job.RunOnceAsync());
        Assert.Null((await test.Get<InsightsReader>().LoadAsync()).Stages);

        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Jobs.Where(j => j.Id == running).ExecuteUpdateAsync(u => u.SetProperty(j => j.StartedAt, Now - InsightsJob.StaleAfter - TimeSpan.FromMinutes(1)));
        Assert.NotNull(await job.RunOnceAsync());
        Assert.NotEqual(running, (await test.Get<InsightsReader>().LoadAsync()).LastRefresh!.Id);
    }
}
