using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Admin;

/// <summary>
/// The data quality centre: the latest snapshot of the background scan (per field, per source, freshness, duplicates,
/// stale profiles, quarantine) with its trend, "Refresh now" with live progress, and the incomplete-data list that
/// creates enrichment tasks. Figures are aggregates; the list masks contact details for the viewer's roles.
/// </summary>
public partial class DataQualityPage : IDisposable
{
    private const int PageSize = 25;

    [Inject] public required QualitySnapshots Snapshots { get; init; }
    [Inject] public required IncompleteProfiles Incomplete { get; init; }
    [Inject] public required EnrichmentTasks Tasks { get; init; }
    [Inject] public required IOptions<QualityOptions> Options { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required AuditLog Audit { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private LatestQuality? latest;
    private IReadOnlyList<QualityTrendPoint> trend = [];
    private QualityScanState? pending;
    private BackgroundJob? failure;
    private bool loaded;
    private bool subscribed;
    private int reloading;

    private ProfileMasking masking = ProfileMasking.ForRoles([]);
    private AuditActor actor = AuditActor.System("portal");
    private string filterField = nameof(Customer.Email);
    private IncompleteListing? listing;
    private int page;
    private readonly HashSet<long> selected = [];
    private int dueInDays = 14;
    private string? instructions;
    private bool busy;

    private int PageCount => listing is null ? 0 : (int)Math.Min(int.MaxValue, (listing.Total + PageSize - 1) / PageSize);
    private bool AllOnPageSelected => listing is { Items.Count: > 0 } && listing.Items.All(i => selected.Contains(i.Id));
    private string IntervalText => Options.Value.Interval.TotalHours >= 1 ? $"{Options.Value.Interval.TotalHours:0.#} h" : $"{Options.Value.Interval.TotalMinutes:0} min";

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        masking = ProfileMasking.ForUser(user);
        actor = user.ToAuditActor();
        if (!RendererInfo.IsInteractive) return;
        Snapshots.Changed += OnChanged;
        subscribed = true;
        await LoadSnapshotAsync();
        await LoadListAsync();
    }

    private async Task LoadSnapshotAsync()
    {
        latest = await Snapshots.LatestAsync();
        trend = await Snapshots.TrendAsync();
        pending = await Snapshots.PendingAsync();
        failure = await Snapshots.LastFailureAsync();
        loaded = true;
    }

    private async Task LoadListAsync()
    {
        listing = await Incomplete.ListAsync(new IncompleteFilter(filterField, page, PageSize), masking);
        // A list of people is looked at like search results: audited with what was asked, not who was shown.
        await Audit.WriteAsync(actor, "quality.incomplete-listed", "quality", null,
            $"{filterField}, page {(page + 1).ToString(CultureInfo.InvariantCulture)}, {listing.Items.Count.ToString(CultureInfo.InvariantCulture)} shown");
    }

    /// <summary>Progress and new snapshots from the job; overlapping notifications collapse into one reload.</summary>
    private void OnChanged() => _ = InvokeAsync(async () =>
    {
        if (Interlocked.Exchange(ref reloading, 1) == 1) return;
        try
        {
            var before = latest?.SnapshotId;
            pending = await Snapshots.PendingAsync();
            if ((await Snapshots.TrendAsync(1)).LastOrDefault()?.TakenAt != latest?.TakenAt || pending is null)
            {
                await LoadSnapshotAsync();
                if (latest?.SnapshotId != before) await LoadListAsync();
            }
            StateHasChanged();
        }
        finally
        {
            Interlocked.Exchange(ref reloading, 0);
        }
    });

    private async Task RefreshNowAsync()
    {
        await Snapshots.RequestRefreshAsync(actor);
        pending = await Snapshots.PendingAsync();
        Snackbar.Add("A quality scan was queued; the page updates when it finishes.", Severity.Info);
    }

    private async Task ShowListAsync(string field)
    {
        filterField = field;
        page = 0;
        selected.Clear();
        listing = null;
        await LoadListAsync();
    }

    private async Task GoToPageAsync(int oneBased)
    {
        page = oneBased - 1;
        await LoadListAsync();
    }

    private void Select(long id, bool on)
    {
        if (on) selected.Add(id);
        else selected.Remove(id);
    }

    private void SelectPage(bool on)
    {
        foreach (var item in listing?.Items ?? [])
            Select(item.Id, on);
    }

    private Task CreateForSelectedAsync() => CreateAsync([.. selected]);

    private async Task CreateForAllAsync()
    {
        if (listing is null) return;
        var count = Math.Min(listing.Total, EnrichmentTasks.MaxProfiles);
        var confirmed = await Dialogs.ShowMessageBoxAsync("Create enrichment tasks",
            $"Create the task \"{EnrichmentTasks.TextFor(filterField)}\" on {count:N0} profiles? Profiles that already have it open are skipped.",
            yesText: "Create tasks", cancelText: "Cancel");
        if (confirmed != true) return;
        await CreateAsync(await Incomplete.IdsAsync(filterField, EnrichmentTasks.MaxProfiles));
    }

    private async Task CreateAsync(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return;
        busy = true;
        try
        {
            var due = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime).AddDays(Math.Clamp(dueInDays, 0, 365));
            var result = await Tasks.CreateAsync(ids, filterField, due, instructions, actor);
            var skipped = result.AlreadyOpen > 0 ? $"; {result.AlreadyOpen:N0} already had it open" : "";
            var inactive = result.NotActive > 0 ? $"; {result.NotActive:N0} no longer active" : "";
            Snackbar.Add($"{result.Created:N0} enrichment {(result.Created == 1 ? "task" : "tasks")} created, due {due:yyyy-MM-dd}{skipped}{inactive}.", Severity.Success);
            selected.Clear();
        }
        catch (ArgumentException e)
        {
            Snackbar.Add(e.Message.Split(" (Parameter")[0], Severity.Warning);
        }
        finally
        {
            busy = false;
        }
        await LoadListAsync();
    }

    public void Dispose()
    {
        if (subscribed) Snapshots.Changed -= OnChanged;
    }

    private static string FilterText(string filter) => filter == IncompleteFilter.StaleFilter ? "Stale (no recent activity)" : FieldLabels.Of(filter);

    private static double Share(long part, long whole) => whole == 0 ? 0 : part / (double)whole;

    private static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private string Ago(DateTime at)
    {
        var age = Clock.GetUtcNow().UtcDateTime - at;
        return age.TotalMinutes < 1 ? "just now" : age.TotalHours < 1 ? $"{age.TotalMinutes:0} min ago" : age.TotalDays < 1 ? $"{age.TotalHours:0} h ago" : $"{age.TotalDays:0} days ago";
    }

    private string TrendSummary()
    {
        var first = trend.FirstOrDefault(p => p.Profiles > 0) ?? trend[0];
        var last = trend[^1];
        return $"Over {trend.Count} snapshots since {first.TakenAt:yyyy-MM-dd}: completeness {Percent(first.Completeness)} → {Percent(last.Completeness)}, " +
               $"validity {Percent(first.Validity)} → {Percent(last.Validity)}, stale {first.Stale:N0} → {last.Stale:N0}, " +
               $"open reviews {first.OpenReviews:N0} → {last.OpenReviews:N0}, quarantined {first.QuarantineOpen:N0} → {last.QuarantineOpen:N0}.";
    }

    private static long Epoch(DateTime at) => new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Shares of snapshots with profiles (an empty store has no completeness to speak of, not 0%).</summary>
    private object RatesTrendChart() => new
    {
        chart = new { type = "line", height = 260, toolbar = new { show = false }, animations = new { enabled = false } },
        series = new object[]
        {
            new { name = "Completeness %", data = trend.Where(p => p.Profiles > 0).Select(p => new object[] { Epoch(p.TakenAt), Math.Round(p.Completeness * 100, 1) }).ToArray() },
            new { name = "Validity %", data = trend.Where(p => p.Profiles > 0).Select(p => new object[] { Epoch(p.TakenAt), Math.Round(p.Validity * 100, 1) }).ToArray() },
        },
        xaxis = new { type = "datetime" },
        yaxis = new { min = 0, max = 100 },
        stroke = new { width = 2 },
        legend = new { position = "top" },
    };

    private object IssuesTrendChart() => new
    {
        chart = new { type = "line", height = 260, toolbar = new { show = false }, animations = new { enabled = false } },
        series = new object[]
        {
            new { name = "Stale profiles", data = trend.Select(p => new object[] { Epoch(p.TakenAt), p.Stale }).ToArray() },
            new { name = "Open reviews", data = trend.Select(p => new object[] { Epoch(p.TakenAt), p.OpenReviews }).ToArray() },
            new { name = "Quarantined", data = trend.Select(p => new object[] { Epoch(p.TakenAt), p.QuarantineOpen }).ToArray() },
        },
        xaxis = new { type = "datetime" },
        yaxis = new { min = 0, forceNiceScale = true },
        stroke = new { width = 2 },
        legend = new { position = "top" },
    };

    /// <summary>Per field, the share of its values in each age bucket (stacked to 100%).</summary>
    private static object FreshnessChart(QualityReport report) => new
    {
        chart = new { type = "bar", height = 300, stacked = true, stackType = "100%", toolbar = new { show = false }, animations = new { enabled = false } },
        plotOptions = new { bar = new { horizontal = true } },
        series = QualityReport.AgeBucketLabels.Select((label, i) => new { name = label, data = report.Freshness.Select(f => f.Buckets.ElementAtOrDefault(i)).ToArray() }).ToArray(),
        xaxis = new { categories = report.Freshness.Select(f => FieldLabels.Of(f.Field)).ToArray() },
        legend = new { position = "top" },
    };
}
