using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Core.Tests.Predictions.Churn;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Predictions.Scoring;

public sealed class ChurnScoringTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;
    private static readonly AuditActor Admin = new("admin-1", "Admin");

    private sealed record Seeded(IReadOnlyList<long> Loyal, IReadOnlyList<long> Lapsed);

    private static Task<TestProfileStore> HostAsync() => CoreHost.CreateAsync(b => b.AddPredictions(runInBackground: false));

    /// <summary>
    /// Everyone started buying 500–800 days ago, every 20–40 days. Even customers buy until now (a few stopped 95–150
    /// days ago: noise); odd ones stopped 200–350 days ago. Everyone has granted personalisation.
    /// </summary>
    private static async Task<Seeded> SeedAsync(TestProfileStore test, int customers, int seed = 3)
    {
        var random = new Random(seed);
        var loyal = new List<long>();
        var lapsed = new List<long>();
        await using var store = await test.Stores.CreateDbContextAsync();
        var people = Enumerable.Range(0, customers).Select(_ => new Customer { Status = CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now }).ToList();
        store.Customers.AddRange(people);
        await store.SaveChangesAsync();
        for (var c = 0; c < people.Count; c++)
        {
            var id = people[c].Id;
            var isLapsed = c % 2 == 1;
            (isLapsed ? lapsed : loyal).Add(id);
            var gap = 20 + random.Next(21);
            var last = isLapsed ? 200 + random.Next(150) : random.NextDouble() < 0.05 ? 95 + random.Next(55) : random.Next(gap);
            var first = 500 + random.Next(300);
            for (var day = last; day < first; day += gap + random.Next(-5, 6))
                store.Interactions.Add(new Interaction
                {
                    CustomerId = id, SourceKey = "shop", Type = "order.placed", Channel = InteractionChannel.Web,
                    OccurredAt = Now.AddDays(-day).AddHours(-random.Next(24)), Summary = "Order", AmountMinor = 1000 + random.Next(9000), Currency = "GBP",
                });
            store.ConsentStates.Add(new ConsentState
            {
                CustomerId = id, Purpose = ConsentPurpose.Personalisation, Status = ConsentStatus.Granted, LawfulBasis = LawfulBasis.Consent,
                UpdatedAt = Now.AddDays(-400),
            });
        }
        await store.SaveChangesAsync();
        return new Seeded(loyal, lapsed);
    }

    private static async Task AddOldScoreAsync(TestProfileStore test, long customerId)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        store.Scores.Add(new CustomerScore
        {
            CustomerId = customerId, OriginCustomerId = customerId, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-0", Value = 0.5,
            Label = "medium", ReasonsJson = "[]", ScoredAt = Now.AddDays(-30),
        });
        await store.SaveChangesAsync();
    }

    [Fact]
    public async Task Train_StoresAnActiveVersion_WithHeldOutMetrics()
    {
        await using var test = await HostAsync();
        await SeedAsync(test, 400);

        var result = await test.Get<ChurnTraining>().TrainAsync(new ChurnScoringOptions(), Admin);

        Assert.True(result.Trained, result.Message);
        Assert.Equal("churn-1", result.Version);
        Assert.Equal(400, result.TrainingRows);
        var metrics = result.Metrics!;
        Assert.True(metrics.Auc > 0.8, $"AUC {metrics.Auc}");
        Assert.InRange(metrics.Brier, 0, 0.2);
        // Out of time: trained at now − 180 days, validated on everyone at now − 90 days.
        Assert.Equal(ChurnModelMetrics.OutOfTime, metrics.Validation);
        Assert.Equal((Now.AddDays(-180), Now.AddDays(-90)), (metrics.TrainCutoff, metrics.ValidationCutoff));
        Assert.Equal(400, metrics.HoldoutRows);
        Assert.Equal(400, metrics.ValidationTrainRows);
        Assert.InRange(metrics.ChurnRate, 0.3, 0.7);
        Assert.True(metrics.Roc.Count > 9);
        Assert.Equal(10, metrics.LiftByDecile.Count);
        Assert.Equal(metrics.LiftTopDecile, metrics.LiftByDecile[0].Lift, 2);
        Assert.Equal(metrics.HoldoutRows, metrics.Reliability.Sum(b => b.Count));
        Assert.NotNull(metrics.BaselineAuc);
        Assert.Equal(1, metrics.Importance.Sum(i => i.Share), 2);
        Console.WriteLine($"churn importance: {string.Join(", ", metrics.Importance.Take(5).Select(i => $"{i.Column} {i.Share:P0}"))}");
        Console.WriteLine($"churn training: {result.TrainingRows} rows, {result.Churned} churned, AUC {metrics.Auc:0.000}, PR-AUC {metrics.PrAuc:0.000}, " +
            $"Brier {metrics.Brier:0.000}, lift@10% {metrics.LiftTopDecile:0.00}");

        var versions = await test.Get<ChurnTraining>().VersionsAsync();
        var version = Assert.Single(versions);
        Assert.True(version.Active);
        Assert.Equal("admin-1", version.TrainedByUserId);
        Assert.Equal(metrics.Auc, version.Metrics!.Auc, 6);
        Assert.Contains("\"horizonDays\":90", version.SettingsJson);
        Assert.Equal("no purchase within 90 days after the cut-off", version.Settings!.ChurnDefinition);
        Assert.Equal(ChurnFeatureLayout.StandardColumns, version.Settings.Features!);
        Assert.Equal(metrics.Roc, version.Metrics.Roc);
        Assert.Equal(metrics.LiftByDecile, version.Metrics.LiftByDecile);
        await using (var store = await test.Stores.CreateDbContextAsync())
            Assert.True((await store.PredictionModels.SingleAsync()).ModelBytes.Length > 1000);
        var audit = await test.Get<AuditLog>().RecentAsync(10, "model.");
        Assert.Equal("model.trained", Assert.Single(audit).Action);
    }

    [Fact]
    public async Task Score_WritesBandedScoresWithReasons_AndRemovesRestrictedAndNonConsenting()
    {
        await using var test = await HostAsync();
        var seeded = await SeedAsync(test, 400);
        var restricted = seeded.Loyal[0];
        var withdrawn = seeded.Lapsed[0];
        await AddOldScoreAsync(test, restricted);
        await AddOldScoreAsync(test, withdrawn);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            await store.Customers.Where(c => c.Id == restricted).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CustomerStatus.Restricted));
            await store.ConsentStates.Where(c => c.CustomerId == withdrawn)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ConsentStatus.Withdrawn));
        }
        Assert.True((await test.Get<ChurnTraining>().TrainAsync(new ChurnScoringOptions(), Admin)).Trained);

        var result = await test.Get<ChurnScoring>().ScoreAllAsync();

        Assert.Equal("churn-1", result.ModelVersion);
        Assert.Equal(398, result.Scored);
        Assert.Equal(new Dictionary<string, int> { [ConsentCheck.Reasons.Withdrawn] = 1 }, result.SkippedByReason);
        Assert.Equal(2, result.Removed);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var scores = await store.Scores.AsNoTracking().Where(s => s.Kind == ScoreKind.ChurnRisk).ToListAsync();
            Assert.Equal(398, scores.Count);
            Assert.DoesNotContain(scores, s => s.CustomerId == restricted || s.CustomerId == withdrawn);
            Assert.All(scores, s =>
            {
                Assert.Equal("churn-1", s.ModelVersion);
                Assert.Equal(s.CustomerId, s.OriginCustomerId);
                Assert.Equal(ChurnScoring.Band(s.Value), s.Label);
                Assert.Equal(Now, s.ScoredAt);
                var reasons = JsonSerializer.Deserialize<string[]>(s.ReasonsJson!)!;
                Assert.InRange(reasons.Length, 1, 3);
                Assert.All(reasons, r => Assert.Contains("risk", r));
            });
            var lapsed = seeded.Lapsed.ToHashSet();
            var lapsedMean = scores.Where(s => lapsed.Contains(s.CustomerId)).Average(s => s.Value);
            var loyalMean = scores.Where(s => !lapsed.Contains(s.CustomerId)).Average(s => s.Value);
            Console.WriteLine($"churn scoring: mean risk lapsed {lapsedMean:0.000}, loyal {loyalMean:0.000}; " +
                $"high {scores.Count(s => s.Label == "high")}, medium {scores.Count(s => s.Label == "medium")}, low {scores.Count(s => s.Label == "low")}; " +
                $"example reasons: {scores.First(s => lapsed.Contains(s.CustomerId)).ReasonsJson}");
            Assert.True(lapsedMean > loyalMean + 0.3, $"lapsed {lapsedMean}, loyal {loyalMean}");
        }

        // The profile page reads the newest score with its reasons.
        var summary = await test.Get<Customer360Portal.Core.CustomerView.ProfileSummaries>().LoadAsync(seeded.Lapsed[1]);
        Assert.Equal("churn-1", summary!.ChurnRisk!.ModelVersion);
        Assert.NotEmpty(summary.ChurnRisk.Reasons);

        // A second pass replaces scores instead of adding rows, and leaves one churn row to a customer who had two
        // (a merge moved the merged-away profile's score onto the survivor).
        var doubled = seeded.Lapsed[2];
        await AddOldScoreAsync(test, doubled);
        var again = await test.Get<ChurnScoring>().ScoreAllAsync();
        Assert.Equal(398, again.Scored);
        Assert.Equal(0, again.Removed);
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            Assert.Equal(398, await store.Scores.CountAsync(s => s.Kind == ScoreKind.ChurnRisk));
            var survivor = await store.Scores.AsNoTracking().SingleAsync(s => s.Kind == ScoreKind.ChurnRisk && s.CustomerId == doubled);
            Assert.Equal("churn-1", survivor.ModelVersion);
        }
    }

    [Fact]
    public async Task Activate_RollsBackToAnOlderVersion()
    {
        await using var test = await HostAsync();
        await SeedAsync(test, 300);
        var training = test.Get<ChurnTraining>();
        var first = await training.TrainAsync(new ChurnScoringOptions(), Admin);
        var second = await training.TrainAsync(new ChurnScoringOptions(), Admin);
        Assert.Equal(("churn-1", "churn-2"), (first.Version, second.Version));
        Assert.Equal("churn-2", (await training.ActiveAsync())!.Version);

        Assert.True(await training.ActivateAsync(first.ModelId!.Value, Admin));

        var versions = await training.VersionsAsync();
        Assert.Equal(["churn-1"], versions.Where(v => v.Active).Select(v => v.Version));
        Assert.Equal(2, versions.Count);
        Assert.Equal("churn-1", (await test.Get<ChurnScoring>().ScoreAllAsync()).ModelVersion);
        Assert.False(await training.ActivateAsync(999_999, Admin));
        Assert.Contains(await test.Get<AuditLog>().RecentAsync(10, "model."), e => e.Action == "model.activated");
    }

    [Fact]
    public async Task Train_WithTooFewCustomers_SaysNotEnoughData_AndTheJobScoresNothing()
    {
        await using var test = await HostAsync();
        await SeedAsync(test, 50);

        var result = await test.Get<ChurnTraining>().TrainAsync(new ChurnScoringOptions(), Admin);

        Assert.False(result.Trained);
        Assert.Contains("Not enough data", result.Message);
        Assert.Contains("at least 200", result.Message);
        Assert.Empty(await test.Get<ChurnTraining>().VersionsAsync());
        var job = await test.Get<ChurnScoringJob>().RunOnceAsync();
        Assert.False(job.Training!.Trained);
        Assert.Equal(0, job.Scoring.Scored);
        Assert.Null(job.Scoring.ModelVersion);
    }

    [Fact]
    public async Task Job_TrainsWhenNoModel_ThenOnlyScoresWhileTheModelIsFresh()
    {
        await using var test = await HostAsync();
        await SeedAsync(test, 300);
        var job = test.Get<ChurnScoringJob>();

        var first = await job.RunOnceAsync();
        var second = await job.RunOnceAsync();

        Assert.True(first.Training!.Trained);
        Assert.Equal(300, first.Scoring.Scored);
        Assert.Null(second.Training);
        Assert.Equal(300, second.Scoring.Scored);
    }

    [Fact]
    public async Task Job_ActiveModelFromAnOlderVersion_TrainsANewOneInsteadOfFailing()
    {
        await using var test = await HostAsync();
        await SeedAsync(test, 300);
        var job = test.Get<ChurnScoringJob>();
        await job.RunOnceAsync();
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.PredictionModels.ExecuteUpdateAsync(u => u.SetProperty(m => m.ModelBytes, new byte[] { 0x50, 0x4b, 0x05, 0x06 }));

        var next = await job.RunOnceAsync();

        Assert.True(next.Training!.Trained);
        Assert.Equal(300, next.Scoring.Scored);
        Assert.Equal("churn-2", next.Scoring.ModelVersion);
    }

    [Fact]
    public void ModelFile_RoundTrip_GivesTheSameProbabilitiesAndReasons()
    {
        var cutoff = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var table = ChurnTable.FromFeatureRows(ChurnFeatureBuilder.Build(ChurnModelTests.SyntheticLog(300, 5, cutoff), cutoff, ChurnDefinition.ByInactivity(90)));
        var model = ChurnModel.Train(table);

        var loaded = ChurnModel.Load(model.Save());

        Assert.Equal(model.PredictProbabilities(table), loaded.PredictProbabilities(table));
        Assert.Equal(model.Explain(table).Select(e => string.Join("|", e.Factors.Select(f => f.Text))),
            loaded.Explain(table).Select(e => string.Join("|", e.Factors.Select(f => f.Text))));
    }
}
