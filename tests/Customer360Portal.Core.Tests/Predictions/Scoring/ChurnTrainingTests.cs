using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Predictions.Scoring;

/// <summary>Training from the whole profile on a real store: time-correct features, a subscription churn rule, jobs and rollback.</summary>
public sealed class ChurnTrainingTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;
    private static readonly AuditActor Admin = new("admin-1", "Admin");

    private static Task<TestProfileStore> HostAsync() => CoreHost.CreateAsync(b => b.AddPredictions(runInBackground: false));

    private static Interaction Event(long customer, string type, DateTime at, long? amountMinor = null, string? reference = null, int? satisfaction = null) => new()
    {
        CustomerId = customer, SourceKey = "test", Type = type, Channel = InteractionChannel.Web, OccurredAt = at, Summary = type,
        AmountMinor = amountMinor, Currency = amountMinor is null ? null : "GBP", Reference = reference,
        DetailJson = satisfaction is null ? null : InteractionDetails.Write(new InteractionDetails { Satisfaction = satisfaction }),
    };

    /// <summary>
    /// A subscription business: everyone pays monthly from 700 days ago until they cancel (half never do). The planted
    /// signal is not in the purchases: 30–90 days before cancelling, a customer raises a support ticket that stays
    /// unresolved and stops opening emails; cancellers are mostly on the "basic" plan. A few loyal customers have an open
    /// ticket too (noise). Everyone has granted personalisation.
    /// </summary>
    private static async Task<HashSet<long>> SeedSubscriptionsAsync(TestProfileStore test, int customers, int seed = 11)
    {
        var random = new Random(seed);
        var cancellers = new HashSet<long>();
        await using var store = await test.Stores.CreateDbContextAsync();
        var people = Enumerable.Range(0, customers).Select(_ => new Customer { Status = CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now, OrderCount = 1 }).ToList();
        store.Customers.AddRange(people);
        await store.SaveChangesAsync();
        foreach (var person in people)
        {
            var id = person.Id;
            var cancels = random.NextDouble() < 0.5;
            var end = cancels ? Now.AddDays(-1 - random.Next(400)) : Now;
            if (cancels)
            {
                cancellers.Add(id);
                store.Interactions.Add(Event(id, "subscription.cancelled", end));
            }
            var trouble = cancels ? end.AddDays(-30 - random.Next(60)) : random.NextDouble() < 0.08 ? Now.AddDays(-random.Next(700)) : (DateTime?)null;
            if (trouble is { } t) store.Interactions.Add(Event(id, "ticket.opened", t, reference: $"T{id}"));
            var offset = random.Next(30);
            for (var at = Now.AddDays(-700 + offset); at < end; at = at.AddDays(30))
            {
                store.Interactions.Add(Event(id, "order.placed", at, 1500 + random.Next(500)));
                store.Interactions.Add(Event(id, "email.sent", at.AddDays(3)));
                var engaged = trouble is null || at < trouble || !cancels;
                if (random.NextDouble() < (engaged ? 0.6 : 0.05)) store.Interactions.Add(Event(id, "email.opened", at.AddDays(4)));
            }
            if (random.NextDouble() < 0.05) // resolved, well-rated tickets: everyday support, no signal
            {
                var at = Now.AddDays(-random.Next(700));
                store.Interactions.Add(Event(id, "ticket.opened", at, reference: $"R{id}"));
                store.Interactions.Add(Event(id, "ticket.solved", at.AddDays(1), reference: $"R{id}", satisfaction: 5));
            }
            store.Traits.Add(new CustomerTrait
            {
                CustomerId = id, Key = "plan", Value = random.NextDouble() < (cancels ? 0.7 : 0.3) ? "basic" : "plus", SourceKey = "test", UpdatedAt = Now.AddDays(-800),
            });
            store.ConsentStates.Add(new ConsentState
            {
                CustomerId = id, Purpose = ConsentPurpose.Personalisation, Status = ConsentStatus.Granted, LawfulBasis = LawfulBasis.Consent, UpdatedAt = Now.AddDays(-800),
            });
        }
        await store.SaveChangesAsync();
        return cancellers;
    }

    private static ChurnScoringOptions Subscriptions(params string[] traits) => new()
    {
        CancellationEventType = "subscription.cancelled", Traits = traits, MinimumCustomers = 100,
    };

    [Fact]
    public async Task Train_SignalPlantedInTicketsEmailAndPlan_IsRecoveredOutOfTime()
    {
        await using var test = await HostAsync();
        await SeedSubscriptionsAsync(test, 700);

        var result = await test.Get<ChurnTraining>().TrainAsync(Subscriptions("plan"), Admin);

        Assert.True(result.Trained, result.Message);
        var metrics = result.Metrics!;
        Console.WriteLine($"planted signal: {result.TrainingRows} rows, {result.Churned} churned, {metrics.Validation} AUC {metrics.Auc:0.000} " +
            $"(baseline {metrics.BaselineAuc:0.000}), PR-AUC {metrics.PrAuc:0.000}, lift@10% {metrics.LiftTopDecile:0.00}, ECE {metrics.Ece:0.000}; " +
            $"top: {string.Join(", ", metrics.Importance.Take(12).Select(i => $"{i.Column} {i.Share:P0}"))}");
        Assert.Equal(ChurnModelMetrics.OutOfTime, metrics.Validation);
        Assert.True(metrics.Auc > 0.8, $"AUC {metrics.Auc}");
        Assert.True(metrics.LiftTopDecile > 2, $"lift {metrics.LiftTopDecile}");
        // The planted signals are what the model leans on: a ticket column first, the plan among the rest.
        Assert.StartsWith("tickets_", metrics.Importance[0].Column);
        Assert.Contains(metrics.Importance, i => i.Column.StartsWith("trait:plan=", StringComparison.Ordinal) && i.Share > 0.01);
        var settings = (await test.Get<ChurnTraining>().ActiveAsync())!.Settings!;
        Assert.Contains("trait:plan=basic", settings.Features!);
        Assert.Equal("a \"subscription.cancelled\" event within 90 days after the cut-off", settings.ChurnDefinition);
        Assert.Equal("subscription.cancelled", settings.Rule().CancellationEventType);
    }

    [Fact]
    public async Task Score_Subscriptions_LeavesOutThoseWhoAlreadyCancelled_AndRanksTroubledCustomersHigher()
    {
        await using var test = await HostAsync();
        var cancellers = await SeedSubscriptionsAsync(test, 500);
        Assert.True((await test.Get<ChurnTraining>().TrainAsync(Subscriptions("plan"), Admin)).Trained);

        var result = await test.Get<ChurnScoring>().ScoreAllAsync();

        await using var store = await test.Stores.CreateDbContextAsync();
        var scored = await store.Scores.Where(s => s.Kind == ScoreKind.ChurnRisk).Select(s => new { s.CustomerId, s.Value, s.ReasonsJson }).ToListAsync();
        Assert.Equal(500 - cancellers.Count, result.Scored);
        Assert.DoesNotContain(scored, s => cancellers.Contains(s.CustomerId));
        var withTicket = await store.Interactions.Where(i => i.Type == "ticket.opened" && i.Reference!.StartsWith("T")).Select(i => i.CustomerId).ToListAsync();
        var troubled = scored.Where(s => withTicket.Contains(s.CustomerId)).ToList();
        Assert.NotEmpty(troubled);
        Assert.True(troubled.Average(s => s.Value) > scored.Average(s => s.Value), "customers with an open ticket rank higher");
    }

    [Fact]
    public async Task FeatureRows_InteractionsAfterTheCutoff_ChangeNoFeature()
    {
        await using var test = await HostAsync();
        await SeedSubscriptionsAsync(test, 60);
        var cutoff = Now.AddDays(-120);
        var rule = ChurnRule.Inactivity(90);
        var layout = ChurnFeatureLayout.WithTraits(["trait:plan=basic"]);
        long[] consented;
        Dictionary<string, string> plans;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            consented = await store.Customers.OrderBy(c => c.Id).Select(c => c.Id).Where(id => id % 3 == 0).ToArrayAsync();
            store.ConsentEvents.AddRange(consented.Select(id => new ConsentEvent
            {
                CustomerId = id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, LawfulBasis = LawfulBasis.Consent,
                SourceKey = "test", EffectiveAt = cutoff.AddDays(-200), RecordedAt = cutoff.AddDays(-200),
            }));
            await store.SaveChangesAsync();
            plans = await store.Traits.ToDictionaryAsync(t => ChurnPurchases.CustomerKey(t.CustomerId), t => t.Value);
        }
        List<ChurnFeatureRow> before;
        await using (var store = await test.Stores.CreateDbContextAsync())
            before = await ChurnPurchases.FeatureRowsAsync(store, cutoff, rule, layout, CancellationToken.None);

        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var ids = await store.Customers.Select(c => c.Id).ToListAsync();
            foreach (var id in ids)
            {
                store.Interactions.AddRange(Event(id, "order.placed", cutoff, 99_900), Event(id, "order.returned", cutoff.AddDays(1)),
                    Event(id, "ticket.opened", cutoff.AddDays(2), reference: $"X{id}"), Event(id, "email.clicked", cutoff.AddDays(3)),
                    Event(id, "page.viewed", cutoff.AddMinutes(1)), Event(id, "ticket.solved", cutoff.AddDays(1), reference: $"T{id}", satisfaction: 1));
                store.ConsentEvents.Add(new ConsentEvent
                {
                    CustomerId = id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Withdrawn, LawfulBasis = LawfulBasis.Consent,
                    SourceKey = "test", EffectiveAt = cutoff.AddDays(1), RecordedAt = cutoff.AddDays(1),
                });
            }
            await store.SaveChangesAsync();
        }
        List<ChurnFeatureRow> after;
        await using (var store = await test.Stores.CreateDbContextAsync())
            after = await ChurnPurchases.FeatureRowsAsync(store, cutoff, rule, layout, CancellationToken.None);

        Assert.NotEmpty(before);
        // Each customer's own trait and consent land on their row.
        var consentColumn = layout.Columns.ToList().IndexOf(ChurnFeatureLayout.EmailMarketingConsent);
        var planColumn = layout.Columns.ToList().IndexOf("trait:plan=basic");
        Assert.All(before, row =>
        {
            Assert.Equal(plans[row.CustomerId] == "basic" ? 1f : 0f, row.Features[planColumn]);
            var hasConsent = consented.Contains(ChurnPurchases.CustomerId(row.CustomerId));
            Assert.Equal(hasConsent ? 1f : float.NaN, row.Features[consentColumn]);
        });
        Assert.Equal(before.Select(r => r.CustomerId), after.Select(r => r.CustomerId));
        for (var i = 0; i < before.Count; i++) Assert.Equal(before[i].Features, after[i].Features);
    }

    [Fact]
    public async Task Rollback_ScoresWithTheOlderVersionsOwnColumns()
    {
        await using var test = await HostAsync();
        await SeedSubscriptionsAsync(test, 300);
        var training = test.Get<ChurnTraining>();
        var first = await training.TrainAsync(Subscriptions(), Admin);
        var second = await training.TrainAsync(Subscriptions("plan"), Admin);
        Assert.True(first.Trained && second.Trained);

        Assert.True(await training.ActivateAsync(first.ModelId!.Value, Admin));
        var scored = await test.Get<ChurnScoring>().ScoreAllAsync();

        Assert.Equal("churn-1", scored.ModelVersion);
        Assert.True(scored.Scored > 0);
        var versions = await training.VersionsAsync();
        Assert.DoesNotContain(versions.Single(v => v.Version == "churn-1").Settings!.Features!, c => c.StartsWith("trait:"));
        Assert.Contains(versions.Single(v => v.Version == "churn-2").Settings!.Features!, c => c.StartsWith("trait:plan="));
        var activation = (await test.Get<AuditLog>().RecentAsync(10, "model.activated")).Single();
        Assert.Equal("churn-1 (replacing churn-2)", activation.Details);
        Assert.Equal("admin-1", activation.UserId);
    }

    [Fact]
    public async Task TrainNow_RunsAsAJob_ReportsProgress_AndScoresWithTheNewVersion()
    {
        await using var test = await HostAsync();
        await SeedSubscriptionsAsync(test, 300);
        var jobs = test.Get<ChurnJobs>();
        var phases = new List<string>();
        jobs.Changed += () => { if (jobs.Progress is { } p && !phases.Contains(p.Phase)) phases.Add(p.Phase); };

        var id = await jobs.RequestAsync(ChurnJobs.TrainingKind, Admin);
        Assert.Equal(id, await jobs.RequestAsync(ChurnJobs.TrainingKind, Admin)); // asking twice queues one run
        Assert.True(await jobs.PendingAsync(ChurnJobs.TrainingKind));
        Assert.True(await test.Get<ChurnScoringJob>().RunQueuedAsync());
        Assert.False(await test.Get<ChurnScoringJob>().RunQueuedAsync());

        var job = (await jobs.RecentAsync()).Single();
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.StartsWith("Trained churn-1 on 300 customers", job.Message);
        Assert.Contains("Scored", job.Message);
        Assert.Equal(["Reading profiles", "Validating out of time", "Training on the latest data", "Saving the model", "Scoring customers"], phases);
        Assert.Null(jobs.Progress);
        Assert.Equal("admin-1", (await test.Get<ChurnTraining>().ActiveAsync())!.TrainedByUserId);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.All(await store.Scores.Select(s => s.ModelVersion).ToListAsync(), v => Assert.Equal("churn-1", v));
        Assert.Contains(await test.Get<AuditLog>().RecentAsync(10, "model."), e => e.Action == "model.training-requested");
    }

    [Fact]
    public async Task TrainNow_WithTooFewCustomers_FailsTheJobWithThePlainReason()
    {
        await using var test = await HostAsync();
        await SeedSubscriptionsAsync(test, 20);
        var jobs = test.Get<ChurnJobs>();
        await jobs.RequestAsync(ChurnJobs.TrainingKind, Admin);

        await test.Get<ChurnScoringJob>().RunQueuedAsync();

        var job = (await jobs.RecentAsync()).Single();
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("Not enough data to train a churn model", job.Message);
        Assert.Empty(await test.Get<ChurnTraining>().VersionsAsync());
    }
}
