using Customer360Portal.Core.Segments;
using System.Globalization;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Insights;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Insights;

/// <summary>
/// The marketers' dashboard. Reads the insights job's snapshots (a few small rows, so it opens fast at a million profiles)
/// and the sources' live counters; the date range filters the time series in memory. Reloads when the job reports.
/// </summary>
public partial class InsightsPage : IDisposable
{
    public const int TopFlows = 10;
    public const int TopJourneys = 8;
    public const int DefaultDays = 365;

    /// <summary>Preset ranges ending today.</summary>
    public static readonly (string Label, int Days)[] Presets = [("30 days", 30), ("90 days", 90), ("12 months", 365), ("2 years", 730)];

    [Inject] public required InsightsReader Reader { get; init; }
    [Inject] public required InsightsJob Job { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required SegmentCatalog Segments { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private InsightsDashboard? dashboard;
    private DayRange range;
    private DateRange pickerRange = new();
    // Charts are keyed by this: they are drawn again only when the figures changed, not on every progress report.
    private int version;
    private string? figuresStamp;
    private IReadOnlyList<StageFlow> flows = [];
    private RevenueSeries? revenue;
    private IReadOnlyList<JourneyPath> journeys = [];
    private IReadOnlyList<long> largestSegments = [];

    /// <summary>How many saved segments the sizes chart draws (more lines stop being readable).</summary>
    public const int SegmentsCharted = 6;

    private DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    /// <summary>Behaviour rules count back from today: the days from the range's start to today.</summary>
    private int DaysBack => Math.Max(1, Today.DayNumber - range.From.DayNumber + 1);

    protected override async Task OnInitializedAsync()
    {
        SetRange(new DayRange(Today.AddDays(1 - DefaultDays), Today));
        if (!RendererInfo.IsInteractive) return;
        Job.Changed += OnJobChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        dashboard = await Reader.LoadAsync();
        largestSegments = (await Segments.ListAsync()).Where(x => x.Size is not null)
            .OrderByDescending(x => x.Size).ThenBy(x => x.Id).Take(SegmentsCharted).Select(x => x.Id).ToList();
        var stamp = FiguresStamp(dashboard, largestSegments);
        if (stamp != figuresStamp) version++;
        figuresStamp = stamp;
        Filter();
    }

    /// <summary>What the charts are drawn from: the snapshots' computation times, the sources' counters and the charted segments.</summary>
    private static string FiguresStamp(InsightsDashboard figures, IReadOnlyList<long> segments) => string.Join('|',
        new DateTime?[] { figures.Stages?.ComputedAt, figures.StageFlow?.ComputedAt, figures.Revenue?.ComputedAt, figures.Churn?.ComputedAt,
            figures.Consent?.ComputedAt, figures.SourceProfiles?.ComputedAt, figures.Journeys?.ComputedAt }
            .Select(t => t?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "-")
            .Concat(figures.Sources.Select(s => $"{s.Key}:{s.Received}:{s.Stored}:{s.Quarantined}:{s.Profiles}"))
            .Concat(segments.Select(id => id.ToString(CultureInfo.InvariantCulture))));

    private void OnJobChanged() => _ = InvokeAsync(async () =>
    {
        await LoadAsync();
        StateHasChanged();
    });

    private void SetPreset(int days) => SetRange(new DayRange(Today.AddDays(1 - days), Today));

    private void OnRangeChanged(DateRange? picked)
    {
        if (picked?.Start is not { } start || picked.End is not { } end) return;
        SetRange(new DayRange(DateOnly.FromDateTime(start), DateOnly.FromDateTime(end)));
    }

    private void SetRange(DayRange chosen)
    {
        range = chosen;
        pickerRange = new DateRange(chosen.From.ToDateTime(TimeOnly.MinValue), chosen.To.ToDateTime(TimeOnly.MinValue));
        Filter();
    }

    /// <summary>The range-dependent figures, from the loaded snapshots (no store read).</summary>
    private void Filter()
    {
        if (dashboard is null) return;
        flows = dashboard.StageFlow is { } flow ? InsightsDashboard.FlowsIn(flow.Data, range).Take(TopFlows).ToList() : [];
        revenue = dashboard.Revenue is { } r ? InsightsDashboard.RevenueIn(r.Data, range) : null;
        journeys = dashboard.Journeys is { } j ? InsightsDashboard.TopJourneys(j.Data, range, TopJourneys) : [];
    }

    private async Task RefreshAsync()
    {
        var actor = (await AuthenticationState).User.ToAuditActor();
        await Job.RequestAsync(actor);
        Snackbar.Add("Refresh queued: the charts update when it finishes.", Severity.Info);
        await LoadAsync();
    }

    private bool RefreshPending => dashboard?.LastRefresh is { Status: JobStatus.Queued or JobStatus.Running };

    private string RefreshStatus => dashboard?.LastRefresh switch
    {
        null => "Not refreshed yet",
        { Status: JobStatus.Queued } => "Refresh queued…",
        { Status: JobStatus.Running } job => $"Refreshing… step {job.Done} of {job.Total}",
        { Status: JobStatus.Failed } job => $"Last refresh failed {InsightCard.Time(job.FinishedAt ?? job.CreatedAt)}; the charts show the figures before it",
        { } job => $"Last refresh {InsightCard.Time(job.FinishedAt ?? job.CreatedAt)}",
    };

    private ChurnFigures ChurnData => dashboard!.Churn!.Data;
    private ConsentFigures ConsentData => dashboard!.Consent!.Data;

    private int StageTotal => dashboard?.Stages?.Data.Counts.Sum(c => c.Customers) ?? 0;
    private int ChurnTotal => dashboard?.Churn?.Data.Bands.Sum(b => b.Customers) ?? 0;

    private string? FlowNote => dashboard?.StageFlow is { } flow
        ? $"stage changes observed pass by pass since {InsightCard.Time(flow.Data.TrackingSince)}; a profile's moves before the job first saw it replayed from its interactions"
        : null;

    private string? RevenueNote => revenue switch
    {
        null => null,
        { OtherCurrencyOrders.Count: > 0 } r => $"amounts in {r.Currency}; not shown: " + string.Join(", ", r.OtherCurrencyOrders.Select(o => $"{o.Value:N0} order(s) in {o.Key}")),
        { Currency: { } currency } => $"placed orders in {currency}",
        _ => null,
    };

    private string? ChurnNote => dashboard?.Churn?.Data switch
    {
        null => null,
        { OtherCurrencyCustomers: > 0 } c => $"model {c.ModelVersion}; amounts in {c.Currency}, {c.OtherCurrencyCustomers:N0} customer(s) buying in other currencies not in the sums",
        var c => $"model {c.ModelVersion}",
    };

    private static string Percent(int part, int whole) =>
        whole == 0 ? "—" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private string StagesSummary() => string.Join(", ", dashboard!.Stages!.Data.Counts.Select(c => $"{InsightsWording.Stage(c.Stage)}: {c.Customers}"));

    private string RevenueSummary() => string.Join(", ", revenue!.Channels.Select(c =>
        $"{InsightsWording.Channel(c.Channel)}: {c.TotalOrders} orders, {InsightsCharts.Money(c.TotalRevenueMinor, revenue.Currency)}"));

    private string ChurnSummary() => string.Join(", ", dashboard!.Churn!.Data.Bands.Select(b =>
        $"{InsightsWording.Band(b.Band)}: {b.Customers} customers, {InsightsCharts.Money(b.RevenueAtRiskMinor, dashboard.Churn.Data.Currency)} at risk"));

    private string ConsentSummary() => string.Join(", ", dashboard!.Consent!.Data.Purposes.Select(r =>
        $"{CustomerTimeline.PurposeText(r.Purpose)}: {Percent(r.Granted, dashboard.Consent.Data.Profiles)} granted"));

    private string SourcesSummary() => string.Join(", ", dashboard!.Sources.Select(s => $"{s.Name}: {s.Stored} records, {s.Profiles?.ToString(CultureInfo.InvariantCulture) ?? "?"} profiles"));

    public void Dispose() => Job.Changed -= OnJobChanged;
}
