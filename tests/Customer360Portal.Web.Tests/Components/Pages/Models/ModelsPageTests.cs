using System.Text.Json;
using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Models;

public class ModelsPageTests : PortalTestContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private TestProfileStore store = default!;
    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    public override async Task InitializeAsync()
    {
        store = await UseProfileStoreAsync(b =>
        {
            b.AddPredictions(runInBackground: false);
            b.AddNextBestOffer(runInBackground: false);
        });
        Services.AddSingleton(store.Host.Services.GetRequiredService<NboTraining>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<NboScoring>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ChurnTraining>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ChurnJobs>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<IOptions<ChurnScoringOptions>>());
    }

    private IRenderedComponent<ModelsPage> RenderAs(string role)
    {
        SignInAs($"{role.ToLowerInvariant()}@example.com", role);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        dialogs = Render<MudDialogProvider>();
        Render<MudSnackbarProvider>();
        return Render<ModelsPage>();
    }

    private static ChurnModelMetrics Metrics(double auc) => new(auc, 0.71, 0.12, 0.034, 3.2, 400, 120,
        [new RocPoint(1, 0, 0), new RocPoint(0.6, 0.1, 0.6), new RocPoint(0, 1, 1)])
    {
        Validation = ChurnModelMetrics.OutOfTime,
        TrainCutoff = new DateTime(2026, 6, 2, 0, 0, 0, DateTimeKind.Utc),
        ValidationCutoff = new DateTime(2026, 8, 31, 0, 0, 0, DateTimeKind.Utc),
        ValidationTrainRows = 380,
        BaselineAuc = 0.81,
        Reliability = [new ReliabilityBin(0.1, 0.2, 200, 0.15, 0.14), new ReliabilityBin(0.8, 0.9, 100, 0.85, 0.8)],
        LiftByDecile = Enumerable.Range(1, 10).Select(d => new LiftPoint(d, 40, d == 1 ? 0.96 : 0.25, d == 1 ? 3.2 : 0.83, d / 10.0)).ToList(),
        Importance = [new FeatureImportance(ChurnFeatureBuilder.DaysSinceLastPurchase, 0.6), new FeatureImportance("trait:plan=basic", 0.4)],
    };

    private async Task<(long Old, long Current)> AddVersionsAsync()
    {
        await using var db = await store.Stores.CreateDbContextAsync();
        PredictionModel Version(string name, DateTime at, bool active, double auc) => new()
        {
            Kind = ScoreKind.ChurnRisk, Version = name, TrainedAt = at, Active = active, TrainingRows = 400, ModelBytes = [1],
            MetricsJson = JsonSerializer.Serialize(Metrics(auc), Json),
            SettingsJson = JsonSerializer.Serialize(new ChurnModelSettings
            {
                ChurnDefinition = "no purchase within 90 days after the cut-off", HorizonDays = 90, Cutoff = at.AddDays(-90),
                Features = ChurnFeatureLayout.StandardColumns,
            }, Json),
        };
        var old = Version("churn-1", new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc), false, 0.84);
        var current = Version("churn-2", new DateTime(2026, 11, 29, 8, 0, 0, DateTimeKind.Utc), true, 0.87);
        db.PredictionModels.AddRange(old, current);
        await db.SaveChangesAsync();
        return (old.Id, current.Id);
    }

    private async Task<(long Old, long Current)> AddOfferVersionsAsync()
    {
        await using var db = await store.Stores.CreateDbContextAsync();
        PredictionModel Version(string name, DateTime at, bool active, double hit) => new()
        {
            Kind = ScoreKind.NextBestOffer, Version = name, TrainedAt = at, Active = active, TrainingRows = 250, ModelBytes = [1],
            MetricsJson = JsonSerializer.Serialize(new NboModelMetrics(5, hit, 0.20, 0.25, 50, 0, 0), Json),
        };
        var old = Version("nbo-1", new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc), false, 0.31);
        var current = Version("nbo-2", new DateTime(2026, 11, 29, 8, 0, 0, DateTimeKind.Utc), true, 0.28);
        db.PredictionModels.AddRange(old, current);
        await db.SaveChangesAsync();
        return (old.Id, current.Id);
    }

    [Fact]
    public async Task OfferVersions_MarketerSeesHitRateAgainstBaselines_ButCannotActivate()
    {
        await AddOfferVersionsAsync();

        var page = RenderAs(PortalRoles.Marketer);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=offer-model-row]").Count), WaitTimeout);
        var old = page.Find("[data-testid=offer-model-row][data-version=nbo-1]").TextContent;
        Assert.Contains("31.0% (top 5)", old);
        Assert.Contains("20.0% (top 5)", old);
        Assert.Contains("25.0% (top 5)", old);
        Assert.Empty(page.FindAll("[data-testid^=activate-offer-]"));
    }

    [Fact]
    public async Task OfferVersions_AdminRollsBack_OlderVersionActiveAndAudited()
    {
        var (old, current) = await AddOfferVersionsAsync();
        var page = RenderAs(PortalRoles.Admin);
        page.WaitForAssertion(() => Assert.Equal("Roll back to this", page.Find("[data-testid=activate-offer-nbo-1]").TextContent.Trim()), WaitTimeout);

        page.Find("[data-testid=activate-offer-nbo-1]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=confirm-offer-nbo-1]").Click(), WaitTimeout);

        page.WaitForAssertion(() => Assert.Contains("nbo-1 is active", page.Find("[data-testid=offer-model-outcome]").TextContent), WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.True(await db.PredictionModels.Where(m => m.Id == old).Select(m => m.Active).SingleAsync());
        Assert.False(await db.PredictionModels.Where(m => m.Id == current).Select(m => m.Active).SingleAsync());
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "model.activated" && a.TargetId == old.ToString()));
    }

    [Fact]
    public void NoModel_SaysHowManyCustomersWithPurchasesAreNeeded()
    {
        var page = RenderAs(PortalRoles.Marketer);

        page.WaitForElement("[data-testid=empty-state]", WaitTimeout);
        var text = page.Find("[data-testid=empty-state]").TextContent;
        Assert.Contains("No churn model yet", text);
        Assert.Contains("at least 200", text);
        Assert.Contains("the store has 0 now", text);
        Assert.Empty(page.FindAll("[data-testid=roc-chart]"));
    }

    [Fact]
    public async Task Marketer_SeesTheActiveVersionsMetricsChartsAndDefinition_ButNoButtons()
    {
        await AddVersionsAsync();

        var page = RenderAs(PortalRoles.Marketer);

        page.WaitForElement("[data-testid=model-summary]", WaitTimeout);
        Assert.Equal("Churn risk churn-2", page.Find("[data-testid=model-version]").TextContent.Trim());
        Assert.Equal("0.870", page.Find("[data-testid=metric-auc]").TextContent);
        Assert.Equal("0.710", page.Find("[data-testid=metric-pr-auc]").TextContent);
        Assert.Equal("3.20×", page.Find("[data-testid=metric-lift]").TextContent);
        Assert.Equal("0.034", page.Find("[data-testid=metric-ece]").TextContent);
        Assert.Equal("0.810", page.Find("[data-testid=metric-baseline]").TextContent);
        Assert.Contains("no purchase within 90 days after the cut-off", page.Find("[data-testid=churn-definition]").TextContent);
        Assert.Contains("out of time", page.Find("[data-testid=validation]").TextContent);
        Assert.Contains("400 customers, 120 churned", page.Find("[data-testid=validation]").TextContent);
        Assert.Single(page.FindAll("[data-testid=roc-chart]"));
        Assert.Single(page.FindAll("[data-testid=lift-chart]"));
        Assert.Single(page.FindAll("[data-testid=calibration-chart]"));
        Assert.Contains("Trait \"plan\" is \"basic\"", page.Find("[data-testid=importance]").TextContent);
        Assert.Equal(["churn-2", "churn-1"], page.FindAll("[data-testid=version-row]").Select(r => r.GetAttribute("data-version")));
        Assert.Empty(page.FindAll("[data-testid=train-now]"));
        Assert.Empty(page.FindAll("[data-testid=score-now]"));
        Assert.Empty(page.FindAll("[data-testid^=activate-]"));
        Assert.NotNull(page.Find("[data-testid=read-only-note]"));
    }

    [Fact]
    public async Task ShowingAnOlderVersion_SwitchesTheMetrics()
    {
        await AddVersionsAsync();
        var page = RenderAs(PortalRoles.Marketer);
        page.WaitForElement("[data-testid=show-churn-1]", WaitTimeout);

        page.Find("[data-testid=show-churn-1]").Click();

        page.WaitForAssertion(() => Assert.Equal("0.840", page.Find("[data-testid=metric-auc]").TextContent), WaitTimeout);
        Assert.Contains("Not active", page.Find("[data-testid=model-summary]").TextContent);
    }

    [Fact]
    public async Task Admin_RollsBackAfterConfirming_TheOlderVersionIsActive_AuditedAndRescoringQueued()
    {
        var (old, _) = await AddVersionsAsync();
        var page = RenderAs(PortalRoles.Admin);
        page.WaitForElement("[data-testid=activate-churn-1]", WaitTimeout);
        Assert.Equal("Roll back to this", page.Find("[data-testid=activate-churn-1]").TextContent.Trim());

        page.Find("[data-testid=activate-churn-1]").Click();
        dialogs.WaitForElement(".mud-dialog", WaitTimeout);
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Contains("Roll back")).Click();

        page.WaitForAssertion(() => Assert.Equal("Churn risk churn-1", page.Find("[data-testid=model-version]").TextContent.Trim()), WaitTimeout);
        await using var db = await store.Stores.CreateDbContextAsync();
        Assert.Equal(old, (await db.PredictionModels.SingleAsync(m => m.Active)).Id);
        var audit = await db.AuditLog.SingleAsync(a => a.Action == "model.activated");
        Assert.Equal(("id-of-admin@example.com", "churn-1 (replacing churn-2)"), (audit.UserId, audit.Details));
        Assert.Equal(ChurnJobs.ScoringKind, (await db.Jobs.SingleAsync(j => j.Status == JobStatus.Queued)).Kind);
        page.WaitForAssertion(() => Assert.Contains("Queued", page.Find("[data-testid=job-history]").TextContent), WaitTimeout);
    }

    [Fact]
    public async Task Admin_TrainNow_QueuesAJob_AndItsOutcomeIsPushedToThePage()
    {
        var page = RenderAs(PortalRoles.Admin);
        page.WaitForElement("[data-testid=train-now]", WaitTimeout);
        Assert.True(page.Find("[data-testid=score-now]").HasAttribute("disabled")); // nothing to score with yet

        page.Find("[data-testid=train-now]").Click();

        page.WaitForAssertion(() => Assert.Contains("Queued", page.Find("[data-testid=job-history]").TextContent), WaitTimeout);
        Assert.True(page.Find("[data-testid=train-now]").HasAttribute("disabled"));
        // The job runs in the background service; the page hears of it without a reload.
        await store.Host.Services.GetRequiredService<ChurnScoringJob>().RunQueuedAsync();
        page.WaitForAssertion(() =>
        {
            var history = page.Find("[data-testid=job-history]").TextContent;
            Assert.Contains("Failed", history);
            Assert.Contains("Not enough data to train a churn model", history);
        }, WaitTimeout);
        Assert.False(page.Find("[data-testid=train-now]").HasAttribute("disabled"));
    }
}
