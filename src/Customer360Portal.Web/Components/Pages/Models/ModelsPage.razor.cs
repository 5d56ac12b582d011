using System.Globalization;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Models;

/// <summary>
/// The churn model for admins and marketers: the selected version's validation metrics with ROC, lift and calibration
/// charts, what churn means for it, the versions, and the training and scoring jobs with live progress. Admins start
/// jobs and activate or roll back versions (audited by <see cref="ChurnTraining.ActivateAsync"/>); marketers read.
/// </summary>
public partial class ModelsPage : IDisposable
{
    [Inject] public required ChurnTraining Training { get; init; }
    [Inject] public required ChurnJobs Jobs { get; init; }
    [Inject] public required IOptions<ChurnScoringOptions> Settings { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private ChurnScoringOptions Options => Settings.Value;
    private IReadOnlyList<ChurnModelVersion>? versions;
    private ChurnModelVersion? selected;
    private IReadOnlyList<BackgroundJob> jobs = [];
    private (int Customers, DateTime Cutoff) readiness;
    private bool isAdmin;
    private bool busy;
    private bool trainingPending;
    private bool scoringPending;

    private ChurnModelVersion? Active => versions?.FirstOrDefault(v => v.Active);

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive) return;
        isAdmin = (await AuthenticationState).User.IsInRole(PortalRoles.Admin);
        Jobs.Changed += OnJobsChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        versions = await Training.VersionsAsync();
        // Keep showing the version the user picked, refreshed; otherwise the active one.
        selected = versions.FirstOrDefault(v => v.Id == selected?.Id) ?? versions.FirstOrDefault(v => v.Active) ?? versions.FirstOrDefault();
        jobs = await Jobs.RecentAsync();
        trainingPending = jobs.Any(j => j.Kind == ChurnJobs.TrainingKind && j.Status is JobStatus.Queued or JobStatus.Running);
        scoringPending = jobs.Any(j => j.Kind == ChurnJobs.ScoringKind && j.Status is JobStatus.Queued or JobStatus.Running);
        if (versions.Count == 0) readiness = await Training.ReadinessAsync(Options);
    }

    private async Task TrainNowAsync() => await RequestAsync(ChurnJobs.TrainingKind, "Training queued: a new version is trained, validated and then scores everyone.");

    private async Task ScoreNowAsync() => await RequestAsync(ChurnJobs.ScoringKind, "Scoring queued: everyone is scored with the active version.");

    private async Task RequestAsync(string kind, string done)
    {
        busy = true;
        try
        {
            await Jobs.RequestAsync(kind, (await AuthenticationState).User.ToAuditActor());
            Snackbar.Add(done, Severity.Info);
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task ActivateAsync(ChurnModelVersion version)
    {
        var rollback = IsOlderThanActive(version);
        var confirmed = await Dialogs.ShowMessageBoxAsync(rollback ? $"Roll back to {version.Version}?" : $"Activate {version.Version}?",
            $"{version.Version} becomes the model that scores profiles{(Active is { } active ? $" instead of {active.Version}" : "")}. Everyone is re-scored with it in the background.",
            yesText: rollback ? "Roll back" : "Activate", cancelText: "Cancel");
        if (confirmed != true) return;
        busy = true;
        try
        {
            var actor = (await AuthenticationState).User.ToAuditActor();
            if (!await Training.ActivateAsync(version.Id, actor))
            {
                Snackbar.Add($"{version.Version} no longer exists.", Severity.Warning);
            }
            else
            {
                await Jobs.RequestAsync(ChurnJobs.ScoringKind, actor);
                Jobs.Notify();
                Snackbar.Add($"{version.Version} is active; re-scoring everyone is queued.", Severity.Success);
            }
            selected = null;
            await LoadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private bool IsOlderThanActive(ChurnModelVersion version) => Active is { } active && version.TrainedAt < active.TrainedAt;

    private void OnJobsChanged() => InvokeAsync(async () =>
    {
        // Progress ticks only re-render; a job starting, finishing or a version changing reloads the lists.
        if (Jobs.Progress is null) await LoadAsync();
        StateHasChanged();
    });

    private string Interval() => Options.Interval.TotalHours >= 1 && Options.Interval.TotalHours % 1 == 0
        ? $"{Options.Interval.TotalHours:0} hours" : $"{Options.Interval.TotalMinutes:0} minutes";

    private static string Number(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "";

    private static string ValidationText(ChurnModelMetrics metrics, ChurnModelSettings? settings) =>
        metrics.Validation == ChurnModelMetrics.OutOfTime && metrics.TrainCutoff is { } train && metrics.ValidationCutoff is { } validation
            ? $"Validated out of time: trained on customers as of {train:yyyy-MM-dd} ({metrics.ValidationTrainRows:N0}), checked on customers as of {validation:yyyy-MM-dd}"
            : "Validated on a 20% holdout (not enough history yet for out-of-time validation)";

    private static IEnumerable<(string Label, string Value, string Hint, string TestId)> Figures(ChurnModelMetrics metrics)
    {
        yield return ("AUC", Number(metrics.Auc), "0.5 is chance, 1 is perfect ranking", "metric-auc");
        yield return ("PR-AUC", Number(metrics.PrAuc), $"chance is {metrics.ChurnRate.ToString("0.00", CultureInfo.InvariantCulture)}", "metric-pr-auc");
        yield return ("Lift top 10%", metrics.LiftTopDecile.ToString("0.00", CultureInfo.InvariantCulture) + "×", "churn rate of the riskiest tenth vs. all", "metric-lift");
        yield return ("Calibration error", Number(metrics.Ece), "gap between predicted and actual churn (ECE)", "metric-ece");
        yield return ("Brier score", Number(metrics.Brier), "lower is better", "metric-brier");
        yield return ("Baseline AUC", Number(metrics.BaselineAuc), "logistic regression on the same data", "metric-baseline");
    }

    private static string DecileText(int decile) => decile == 1 ? "Riskiest 10%" : $"{(decile - 1) * 10}–{decile * 10}%";

    private static object RocChart(ChurnModelMetrics metrics) => new
    {
        chart = new { type = "line", height = 280, toolbar = new { show = false }, animations = new { enabled = false }, zoom = new { enabled = false } },
        series = new object[]
        {
            new { name = "Model", data = metrics.Roc.Select(p => new[] { p.FalsePositiveRate, p.TruePositiveRate }).ToArray() },
            new { name = "Chance", data = new[] { new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 } } },
        },
        colors = new[] { "#1565c0", "#9e9e9e" },
        stroke = new { width = new[] { 3, 1 }, dashArray = new[] { 0, 5 } },
        xaxis = new { type = "numeric", min = 0, max = 1, tickAmount = 5, title = new { text = "False positive rate" } },
        yaxis = new { min = 0, max = 1, tickAmount = 5, title = new { text = "True positive rate" } },
        legend = new { position = "top" },
    };

    private static object LiftChart(ChurnModelMetrics metrics) => new
    {
        chart = new { type = "bar", height = 280, toolbar = new { show = false }, animations = new { enabled = false } },
        series = new[] { new { name = "Lift", data = metrics.LiftByDecile.Select(p => p.Lift).ToArray() } },
        colors = new[] { "#1565c0" },
        xaxis = new { categories = metrics.LiftByDecile.Select(p => p.Decile.ToString(CultureInfo.InvariantCulture)).ToArray(), title = new { text = "Risk decile (1 = riskiest)" } },
        yaxis = new { min = 0, title = new { text = "Churn rate ÷ overall" } },
        annotations = new { yaxis = new[] { new { y = 1, borderColor = "#9e9e9e", strokeDashArray = 4, label = new { text = "no model" } } } },
        dataLabels = new { enabled = false },
    };

    private static object CalibrationChart(ChurnModelMetrics metrics) => new
    {
        chart = new { type = "line", height = 280, toolbar = new { show = false }, animations = new { enabled = false }, zoom = new { enabled = false } },
        series = new object[]
        {
            new { name = "Observed churn", data = metrics.Reliability.Select(b => new[] { b.MeanPredicted, b.Observed }).ToArray() },
            new { name = "Perfect calibration", data = new[] { new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 } } },
        },
        colors = new[] { "#2e7d32", "#9e9e9e" },
        stroke = new { width = new[] { 3, 1 }, dashArray = new[] { 0, 5 } },
        markers = new { size = new[] { 5, 0 } },
        xaxis = new { type = "numeric", min = 0, max = 1, tickAmount = 5, title = new { text = "Predicted churn probability" } },
        yaxis = new { min = 0, max = 1, tickAmount = 5, title = new { text = "Share who churned" } },
        legend = new { position = "top" },
    };

    // Screen readers get the charts' message in words.
    private static string RocSummary(ChurnModelMetrics metrics) =>
        $"ROC curve with AUC {Number(metrics.Auc)}; chance would be 0.5.";

    private static string LiftSummary(ChurnModelMetrics metrics) =>
        $"The riskiest tenth churns {metrics.LiftTopDecile.ToString("0.0", CultureInfo.InvariantCulture)} times as often as all customers.";

    private static string CalibrationSummary(ChurnModelMetrics metrics) => string.Join("; ",
        metrics.Reliability.Select(b => $"predicted {b.MeanPredicted:P0}, observed {b.Observed:P0} ({b.Count} customers)"));

    private static Color StatusColor(JobStatus status) => status switch
    {
        JobStatus.Succeeded => Color.Success,
        JobStatus.Failed => Color.Error,
        JobStatus.Running => Color.Info,
        _ => Color.Default,
    };

    public void Dispose() => Jobs.Changed -= OnJobsChanged;
}

/// <summary>Feature columns as people read them.</summary>
public static class ModelWording
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [ChurnFeatureBuilder.DaysSinceLastPurchase] = "Days since the last purchase",
        [ChurnFeatureBuilder.PurchasesLast30Days] = "Purchases in the last 30 days",
        [ChurnFeatureBuilder.PurchasesLast90Days] = "Purchases in the last 90 days",
        [ChurnFeatureBuilder.PurchasesPrevious90Days] = "Purchases in the 90 days before",
        [ChurnFeatureBuilder.PurchasesLast365Days] = "Purchases in the last year",
        [ChurnFeatureBuilder.TotalPurchases] = "Purchases in total",
        [ChurnFeatureBuilder.TotalSpend] = "Total spend",
        [ChurnFeatureBuilder.AverageSpend] = "Average order value",
        [ChurnFeatureBuilder.SpendLast90Days] = "Spend in the last 90 days",
        [ChurnFeatureBuilder.SpendPrevious90Days] = "Spend in the 90 days before",
        [ChurnFeatureBuilder.SpendTrend] = "Spend trend (90 days)",
        [ChurnFeatureBuilder.PurchaseTrend] = "Purchase trend (90 days)",
        [ChurnFeatureBuilder.TenureDays] = "Customer for (days)",
        [ChurnFeatureBuilder.MeanGapDays] = "Usual days between purchases",
        [ChurnFeatureBuilder.GapStdDays] = "Regularity of purchases",
        [ChurnFeatureBuilder.RecencyToMeanGap] = "Days since last purchase ÷ usual gap",
        [ChurnFeatureBuilder.LastPurchaseAmount] = "Last purchase amount",
        [ChurnFeatureLayout.ReturnsTotal] = "Returns in total",
        [ChurnFeatureLayout.ReturnsLast90Days] = "Returns in the last 90 days",
        [ChurnFeatureLayout.ReturnRate] = "Share of orders returned",
        [ChurnFeatureLayout.TicketsTotal] = "Support tickets in total",
        [ChurnFeatureLayout.TicketsLast90Days] = "Support tickets in the last 90 days",
        [ChurnFeatureLayout.TicketsUnresolved] = "Unresolved support tickets",
        [ChurnFeatureLayout.SatisfactionAverage] = "Average support rating",
        [ChurnFeatureLayout.LowSatisfactionTickets] = "Poorly rated tickets",
        [ChurnFeatureLayout.EmailsOpenedLast90Days] = "Emails opened (90 days)",
        [ChurnFeatureLayout.EmailsClickedLast90Days] = "Emails clicked (90 days)",
        [ChurnFeatureLayout.EmailOpenRate180Days] = "Email open rate (180 days)",
        [ChurnFeatureLayout.DaysSinceEmailEngagement] = "Days since an email was opened",
        [ChurnFeatureLayout.WebVisitsLast30Days] = "Web visits (30 days)",
        [ChurnFeatureLayout.WebVisitsLast90Days] = "Web visits (90 days)",
        [ChurnFeatureLayout.WebVisitsPrevious90Days] = "Web visits in the 90 days before",
        [ChurnFeatureLayout.WebTrend] = "Web activity trend (90 days)",
        [ChurnFeatureLayout.DaysSinceWebVisit] = "Days since the last web visit",
        [ChurnFeatureLayout.EmailMarketingConsent] = "Email-marketing consent",
        [ChurnFeatureLayout.ConsentWithdrawalsLastYear] = "Consent withdrawals (last year)",
    };

    public static string FeatureName(string column)
    {
        if (Names.TryGetValue(column, out var name)) return name;
        if (!column.StartsWith(ChurnFeatureLayout.TraitPrefix, StringComparison.Ordinal)) return column;
        var trait = column[ChurnFeatureLayout.TraitPrefix.Length..];
        var equals = trait.IndexOf('=');
        return equals < 0 ? $"Trait \"{trait}\"" : $"Trait \"{trait[..equals]}\" is \"{trait[(equals + 1)..]}\"";
    }
}
