using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Customer360Portal.Web.Components.Pages.Privacy;

/// <summary>
/// The privacy officers' view of the consent ledger: rates per purpose, the latest changes (filtered by purpose and
/// source) and one person's history. Looking up a person's history is audited like a profile view.
/// </summary>
public partial class ConsentPage
{
    public const int RecentCount = 200;

    [Inject] public required ConsentLedger Ledger { get; init; }
    [Inject] public required AuditLog Audit { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<ConsentRate>? rates;
    private IReadOnlyList<ConsentHistoryEntry>? recent;
    private IReadOnlyList<string> sources = [];
    private ConsentPurpose? purposeFilter;
    private string? sourceFilter;
    private string? lookupText;
    private string? lookupProblem;
    private long lookedUp;
    private IReadOnlyList<ConsentHistoryEntry>? person;

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive) return;
        rates = await Ledger.RatesAsync();
        sources = await Ledger.SourcesAsync();
        await LoadRecentAsync();
    }

    private async Task LoadRecentAsync() => recent = await Ledger.RecentAsync(RecentCount, purposeFilter, sourceFilter);

    private async Task LookupAsync()
    {
        person = null;
        lookupProblem = null;
        if (!long.TryParse(lookupText?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            lookupProblem = "Enter a profile id (the number in the profile's address).";
            return;
        }
        var actor = (await AuthenticationState).User.ToAuditActor();
        await Audit.WriteAsync(actor, "consent.history-viewed", "customer", id.ToString(CultureInfo.InvariantCulture));
        lookedUp = id;
        person = await Ledger.HistoryAsync(id);
        if (person.Count == 0) lookupProblem = "No consent recorded for this profile (or no such profile; merged profiles keep their history on the surviving one).";
    }

    private string RatesSummary() => string.Join(", ", rates!.Select(r =>
        $"{Core.CustomerView.CustomerTimeline.PurposeText(r.Purpose)}: {r.Granted} granted, {r.Denied} denied, {r.Withdrawn} withdrawn, {r.NoRecord} no choice"));

    private object RatesChart() => new
    {
        chart = new { type = "bar", stacked = true, height = 300, toolbar = new { show = false }, animations = new { enabled = false } },
        plotOptions = new { bar = new { horizontal = true } },
        colors = new[] { "#2e7d32", "#c62828", "#ef6c00", "#9e9e9e" },
        series = new[]
        {
            new { name = "Granted", data = rates!.Select(r => r.Granted).ToArray() },
            new { name = "Denied", data = rates!.Select(r => r.Denied).ToArray() },
            new { name = "Withdrawn", data = rates!.Select(r => r.Withdrawn).ToArray() },
            new { name = "No choice", data = rates!.Select(r => r.NoRecord).ToArray() },
        },
        xaxis = new { categories = rates!.Select(r => Core.CustomerView.CustomerTimeline.PurposeText(r.Purpose)).ToArray() },
        legend = new { position = "top" },
    };
}
