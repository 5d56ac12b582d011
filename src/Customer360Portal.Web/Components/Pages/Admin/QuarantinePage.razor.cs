using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Admin;

/// <summary>
/// The quarantine: open records grouped by source and reason, a list filtered by both, a detail panel to fix the
/// fields the reasons name (or the raw JSON) and replay, and a bulk value map. Every opened record is audited by the
/// service; this page never logs or shows values anywhere but the detail panel.
/// </summary>
public partial class QuarantinePage
{
    private const int PageSize = 25;

    [Inject] public required QuarantineService Quarantine { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private QuarantineSummary? summary;
    private QuarantineListing? listing;
    private string? sourceFilter;
    private string? reasonFilter;
    private int page;
    private bool busy;

    private QuarantineRecordDetail? detail;
    private Dictionary<string, string?> fieldEdits = new(StringComparer.Ordinal);
    private string? kindEdit;
    private string? rawJson;

    private string? mapSource, mapField, mapFrom, mapTo;

    private int PageCount => listing is null ? 0 : (listing.Total + PageSize - 1) / PageSize;

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        summary = await Quarantine.SummaryAsync();
        // A filter whose group has emptied (everything in it fixed) would show an empty list: drop it.
        if (sourceFilter is not null && summary.BySource.All(s => s.SourceKey != sourceFilter)) sourceFilter = null;
        if (reasonFilter is not null && !ReasonRows().Any(r => r.Reason == reasonFilter)) reasonFilter = null;
        await LoadListAsync();
    }

    private async Task LoadListAsync()
    {
        listing = await Quarantine.ListAsync(new QuarantineFilter(sourceFilter, reasonFilter, page, PageSize));
        if (listing.Items.Count == 0 && page > 0)
        {
            page = Math.Max(0, PageCount - 1);
            listing = await Quarantine.ListAsync(new QuarantineFilter(sourceFilter, reasonFilter, page, PageSize));
        }
    }

    /// <summary>Reason counts for the chosen source, or over all sources.</summary>
    private IReadOnlyList<QuarantineReasonCount> ReasonRows() =>
        summary is null ? []
        : sourceFilter is null ? summary.ByReason
        : summary.BySourceAndReason.Where(g => g.SourceKey == sourceFilter)
            .Select(g => new QuarantineReasonCount(g.Reason, QuarantineService.FieldOf(g.Reason), g.Open)).ToList();

    private async Task ToggleSourceAsync(string source)
    {
        sourceFilter = sourceFilter == source ? null : source;
        mapSource = sourceFilter ?? mapSource;
        if (reasonFilter is not null && !ReasonRows().Any(r => r.Reason == reasonFilter)) reasonFilter = null;
        page = 0;
        await LoadListAsync();
    }

    private async Task ToggleReasonAsync(string reason)
    {
        reasonFilter = reasonFilter == reason ? null : reason;
        if (reasonFilter is not null)
        {
            // Prefill the bulk map with the field the reason names (when it names one).
            var field = QuarantineService.FieldOf(reasonFilter);
            if (!field.Contains('/', StringComparison.Ordinal) && field is not "payload" and not "kind") mapField = field;
            var sources = summary!.BySourceAndReason.Where(g => g.Reason == reasonFilter).Select(g => g.SourceKey).Distinct().ToList();
            mapSource = sourceFilter ?? (sources.Count == 1 ? sources[0] : mapSource);
        }
        page = 0;
        await LoadListAsync();
    }

    private async Task ClearFiltersAsync()
    {
        sourceFilter = reasonFilter = null;
        page = 0;
        await LoadListAsync();
    }

    private async Task GoToPageAsync(int selected)
    {
        page = selected - 1;
        await LoadListAsync();
    }

    private string RowClass(QuarantineListItem item, int _) => item.Id == detail?.Id ? "selected-row" : "";

    private async Task SelectAsync(QuarantineListItem item)
    {
        var opened = await Quarantine.GetAsync(item.Id, await ActorAsync());
        if (opened is null || !opened.IsOpen)
        {
            Snackbar.Add("That record has been replayed meanwhile.", Severity.Info);
            CloseDetail();
            await ReloadAsync();
            return;
        }
        Show(opened);
    }

    private void Show(QuarantineRecordDetail opened)
    {
        detail = opened;
        fieldEdits = opened.Fields.ToDictionary(f => f.Path, f => f.Value, StringComparer.Ordinal);
        kindEdit = opened.Kind;
        rawJson = opened.PayloadJson;
    }

    private void CloseDetail()
    {
        detail = null;
        fieldEdits = new(StringComparer.Ordinal);
        rawJson = kindEdit = null;
    }

    private static string FieldHelp(QuarantineField field) =>
        string.Join("; ", field.Problems) + (field.Kind == System.Text.Json.JsonValueKind.Undefined ? " (missing)" : "") + ". Empty removes the field.";

    private async Task ReplayAsync()
    {
        if (detail is null) return;
        var edits = detail.Fields.Where(f => f.IsEditable && fieldEdits.GetValueOrDefault(f.Path) != f.Value)
            .Select(f => f.Edit(fieldEdits.GetValueOrDefault(f.Path))).ToList();
        var kind = kindEdit is not null && kindEdit != detail.Kind ? kindEdit : null;
        var id = detail.Id;
        await RunAsync(async actor => edits.Count == 0 && kind is null
            ? await Quarantine.ReplayAsync(id, actor)
            : await Quarantine.FixAndReplayAsync(id, new QuarantineEdit { Fields = edits, Kind = kind }, actor));
    }

    private async Task ReplayRawAsync()
    {
        if (detail is null || string.IsNullOrWhiteSpace(rawJson)) return;
        var edit = new QuarantineEdit { PayloadJson = rawJson, Kind = kindEdit is not null && kindEdit != detail.Kind ? kindEdit : null };
        var id = detail.Id;
        await RunAsync(actor => Quarantine.FixAndReplayAsync(id, edit, actor));
    }

    private async Task RunAsync(Func<AuditActor, Task<ReplayResult>> replay)
    {
        busy = true;
        try
        {
            var actor = await ActorAsync();
            var result = await replay(actor);
            switch (result.Outcome)
            {
                case ReplayOutcome.Stored:
                    Snackbar.Add($"Valid now: stored as source record {result.SourceRecordId} and replayed out of the quarantine.", Severity.Success);
                    CloseDetail();
                    break;
                case ReplayOutcome.Duplicate:
                    Snackbar.Add($"Valid now, and identical to source record {result.SourceRecordId}: counted as a duplicate.", Severity.Success);
                    CloseDetail();
                    break;
                case ReplayOutcome.StillInvalid:
                    Snackbar.Add($"Still invalid: {string.Join("; ", result.Reasons)}", Severity.Warning);
                    if (await Quarantine.GetAsync(result.Id, actor) is { } reopened) Show(reopened);
                    break;
                case ReplayOutcome.EditRejected:
                    Snackbar.Add($"Not replayed: {result.Message}", Severity.Error);
                    break;
                default:
                    Snackbar.Add("This record was already replayed.", Severity.Info);
                    CloseDetail();
                    break;
            }
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task ReplayAllAsync()
    {
        busy = true;
        try
        {
            var result = await Quarantine.ReplayAllAsync(sourceFilter, reasonFilter, await ActorAsync());
            Snackbar.Add($"Replayed {result.Requested:N0}: {result.BecameValid:N0} valid now, {result.StillInvalid:N0} still invalid.",
                result.BecameValid > 0 ? Severity.Success : Severity.Info);
            CloseDetail();
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task BulkMapAsync()
    {
        if (string.IsNullOrEmpty(mapSource) || string.IsNullOrWhiteSpace(mapField) || mapFrom is null) return;
        busy = true;
        try
        {
            var result = await Quarantine.BulkMapAsync(new BulkMapRequest(mapSource, mapField, mapFrom, mapTo ?? ""), await ActorAsync());
            Snackbar.Add(result.Matched == 0
                    ? $"No open record of {mapSource} is refused on {mapField.Trim()}."
                    : $"{result.Changed:N0} of {result.Matched:N0} matching records held that value: {result.BecameValid:N0} valid now, {result.StillInvalid:N0} still invalid.",
                result.BecameValid > 0 ? Severity.Success : Severity.Info);
            CloseDetail();
            await ReloadAsync();
        }
        catch (QuarantineEditException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task<AuditActor> ActorAsync() => (await AuthenticationState).User.ToAuditActor();
}
