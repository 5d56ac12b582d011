using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Customers;

/// <summary>A timeline entry as the list shows it: the first entry of each day carries the day's heading.</summary>
public sealed record TimelineRow(TimelineEntry Entry, bool FirstOfDay);

/// <summary>
/// The profile's unified timeline: filter chips by type and channel with their counts, a date range, a search box, and
/// a virtualised list read from the store a page at a time. Clicking an entry opens its detail and source record.
/// </summary>
public partial class ProfileTimeline
{
    [Parameter, EditorRequired] public long CustomerId { get; set; }
    [Parameter, EditorRequired] public ProfileMasking Masking { get; set; } = default!;
    [Parameter, EditorRequired] public AuditActor Actor { get; set; } = default!;

    [Inject] public required CustomerTimeline Timeline { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    private Virtualize<TimelineRow>? virtualize;
    private TimelineFacets? facets;
    private readonly HashSet<TimelineCategory> categories = [];
    private readonly HashSet<InteractionChannel> channels = [];
    private string? text;
    private DateTime? from;
    private DateTime? to;
    private int? total;
    private long loadedFor;

    public TimelineFilter Filter => new()
    {
        Categories = categories, Channels = channels, Text = text,
        From = from is { } f ? DateOnly.FromDateTime(f) : null, To = to is { } t ? DateOnly.FromDateTime(t) : null,
    };

    private string CountText => total is not { } count ? "" : Filter.IsEmpty
        ? $"{count:N0} {(count == 1 ? "entry" : "entries")}"
        : $"{count:N0} of {facets?.Total ?? count:N0} entries match";

    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor == CustomerId) return;
        loadedFor = CustomerId;
        categories.Clear();
        channels.Clear();
        (text, from, to) = (null, null, null);
        facets = await Timeline.FacetsAsync(CustomerId);
        if (virtualize is not null) await virtualize.RefreshDataAsync();
    }

    /// <summary>Reloads counts and the rows in view (new interactions arrived, a note was added).</summary>
    public async Task RefreshAsync()
    {
        facets = await Timeline.FacetsAsync(CustomerId);
        if (virtualize is not null) await virtualize.RefreshDataAsync();
        StateHasChanged();
    }

    private async ValueTask<ItemsProviderResult<TimelineRow>> LoadRowsAsync(ItemsProviderRequest request)
    {
        // One entry before the window tells whether the first row in it starts a new day.
        var skip = Math.Max(0, request.StartIndex - 1);
        var page = await Timeline.PageAsync(CustomerId, Filter, skip, request.Count + (request.StartIndex - skip), request.CancellationToken);
        var rows = new List<TimelineRow>(page.Items.Count);
        for (var i = request.StartIndex - skip; i < page.Items.Count; i++)
        {
            var entry = page.Items[i];
            var firstOfDay = i == 0 || page.Items[i - 1].OccurredAt.Date != entry.OccurredAt.Date;
            rows.Add(new TimelineRow(entry, firstOfDay));
        }
        if (total != page.Total)
        {
            total = page.Total;
            _ = InvokeAsync(StateHasChanged);
        }
        return new ItemsProviderResult<TimelineRow>(rows, page.Total);
    }

    private async Task ReloadAsync()
    {
        if (virtualize is not null) await virtualize.RefreshDataAsync();
    }

    private Task ToggleCategoryAsync(TimelineCategory category)
    {
        if (!categories.Remove(category)) categories.Add(category);
        return ReloadAsync();
    }

    private Task ToggleChannelAsync(InteractionChannel channel)
    {
        if (!channels.Remove(channel)) channels.Add(channel);
        return ReloadAsync();
    }

    private Task OnTextChangedAsync(string? value)
    {
        text = value;
        return ReloadAsync();
    }

    private Task OnFromChangedAsync(DateTime? value)
    {
        from = value;
        return ReloadAsync();
    }

    private Task OnToChangedAsync(DateTime? value)
    {
        to = value;
        return ReloadAsync();
    }

    private Task ClearFiltersAsync()
    {
        categories.Clear();
        channels.Clear();
        (text, from, to) = (null, null, null);
        return ReloadAsync();
    }

    private Task OnEntryKeyAsync(KeyboardEventArgs e, TimelineEntry entry) => e.Key is "Enter" or " " ? OpenAsync(entry) : Task.CompletedTask;

    private async Task OpenAsync(TimelineEntry entry)
    {
        var detail = await Timeline.DetailAsync(CustomerId, entry.Kind, entry.Id, Masking, Actor);
        if (detail is null) return; // moved away by an unmerge since the list was read
        var parameters = new DialogParameters<TimelineEntryDialog> { { d => d.Detail, detail } };
        await Dialogs.ShowAsync<TimelineEntryDialog>(entry.Summary.Length > 80 ? entry.Summary[..80] + "…" : entry.Summary, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true });
    }
}
