using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Web.Components.Pages.Segments;

/// <summary>
/// The segment builder: nested AND/OR rules, the sentence of what they mean, a live size (re-estimated a moment after
/// each change) with the sizes after consent per channel and a masked preview; save (as a new version), duplicate,
/// refresh, export and the membership chart. <c>/segments/new?rules=…&amp;name=…</c> opens with a rule tree filled in
/// (the insights dashboard links here).
/// </summary>
public partial class SegmentEditorPage : IDisposable
{
    private static readonly TimeSpan EstimateDelay = TimeSpan.FromMilliseconds(250);
    private static readonly ConsentPurpose[] ExportPurposes =
        [ConsentPurpose.EmailMarketing, ConsentPurpose.SmsMarketing, ConsentPurpose.PhoneMarketing, ConsentPurpose.PostMarketing, ConsentPurpose.PartnerSharing];

    [Inject] public required SegmentCatalog Catalog { get; init; }
    [Inject] public required SegmentEstimator Estimator { get; init; }
    [Inject] public required SegmentChangeNotifier Changes { get; init; }
    [Inject] public required AuditLog Audit { get; init; }
    [Inject] public required IDbContextFactory<ProfileStore> Stores { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    [Parameter] public long? SegmentId { get; set; }
    [SupplyParameterFromQuery(Name = "rules")] public string? RulesFromLink { get; set; }
    [SupplyParameterFromQuery(Name = "name")] public string? NameFromLink { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private Segment? segment;
    private GroupRule? root;
    private string? name;
    private bool fromLink;
    private string? loadProblem;
    private SegmentEditorContext context = SegmentEditorContext.Empty;
    private SegmentEstimate? estimate;
    private IReadOnlyList<string> problems = [];
    private string? estimateError;
    private bool estimating;
    private CancellationTokenSource? pending;
    private bool saving;
    private string? saveMessage;
    private bool saveFailed;
    private ConsentPurpose exportPurpose = ConsentPurpose.EmailMarketing;
    private IReadOnlyList<SegmentVersion> versions = [];
    private IReadOnlyList<AuditEntry> exports = [];
    private ProfileMasking masking = ProfileMasking.ForRoles([]);
    private long? loadedId;
    private string historyKey = "";

    private bool Dirty => segment is not null && root is not null && (SegmentRuleJson.Write(root) != segment.DefinitionJson || name != segment.Name);

    protected override async Task OnParametersSetAsync()
    {
        if (!RendererInfo.IsInteractive || (loadedId == SegmentId && root is not null)) return;
        loadedId = SegmentId;
        masking = ProfileMasking.ForUser((await AuthenticationState).User);
        Changes.SegmentChanged -= OnSegmentChanged;
        Changes.SegmentChanged += OnSegmentChanged;
        await LoadAsync();
        await EstimateNowAsync();
    }

    private async Task LoadAsync()
    {
        (segment, root, loadProblem, saveMessage) = (null, null, null, null);
        var names = await Catalog.NamesAsync();
        List<string> sources;
        await using (var store = await Stores.CreateDbContextAsync())
            sources = await store.DataSources.AsNoTracking().OrderBy(s => s.Key).Select(s => s.Key).ToListAsync();
        context = new SegmentEditorContext(names, sources, SegmentId);
        if (SegmentId is { } id)
        {
            segment = await Catalog.GetAsync(id);
            if (segment is null)
            {
                loadProblem = "This segment does not exist (any more).";
                return;
            }
            name = segment.Name;
            root = AsGroup(SegmentRuleJson.Parse(segment.DefinitionJson));
            await LoadSideAsync();
            return;
        }
        name = NameFromLink ?? "";
        if (!string.IsNullOrWhiteSpace(RulesFromLink))
        {
            if (!SegmentRuleJson.TryParse(RulesFromLink, out var linked, out var error))
            {
                loadProblem = "The link's rules could not be read: " + error;
                return;
            }
            fromLink = true;
            root = AsGroup(linked!);
        }
        else root = new GroupRule();
    }

    private async Task LoadSideAsync()
    {
        if (segment is null) return;
        versions = await Catalog.VersionsAsync(segment.Id);
        exports = await Audit.SearchAsync(new AuditQuery { ActionPrefix = SegmentExport.ExportAction, TargetType = "segment", TargetId = segment.Id.ToString() }, 5);
        historyKey = $"{segment.Id}-{segment.RefreshedAt:O}";
    }

    /// <summary>The editor edits a group; a single rule from a link becomes a group of one.</summary>
    private static GroupRule AsGroup(SegmentRule rule) => rule as GroupRule ?? new GroupRule { Rules = [rule] };

    private void RulesChanged()
    {
        saveMessage = null;
        _ = EstimateSoonAsync();
    }

    /// <summary>Waits a moment so a burst of edits costs one estimate; a newer edit cancels the older wait.</summary>
    private async Task EstimateSoonAsync()
    {
        pending?.Cancel();
        var mine = pending = new CancellationTokenSource();
        try
        {
            await Task.Delay(EstimateDelay, mine.Token);
            await InvokeAsync(async () =>
            {
                await EstimateNowAsync(mine.Token);
                StateHasChanged();
            });
        }
        catch (OperationCanceledException) { }
    }

    private async Task EstimateNowAsync(CancellationToken cancellationToken = default)
    {
        if (root is null) return;
        estimateError = null;
        problems = SegmentValidation.Validate(root);
        if (problems.Count > 0) return;
        estimating = true;
        StateHasChanged();
        try
        {
            estimate = await Estimator.EstimateAsync(root.Clone(), masking, cancellationToken);
        }
        catch (SegmentRuleException e)
        {
            problems = [e.Message];
        }
        catch (OperationCanceledException) { }
        finally
        {
            estimating = false;
        }
    }

    private async Task SaveAsync()
    {
        if (root is null) return;
        saving = true;
        saveFailed = false;
        try
        {
            var actor = (await AuthenticationState).User.ToAuditActor();
            if (segment is null)
            {
                var id = await Catalog.CreateAsync(name ?? "", root.Clone(), actor);
                Navigation.NavigateTo($"segments/{id}");
                return;
            }
            var version = await Catalog.SaveAsync(segment.Id, name ?? "", root.Clone(), actor);
            segment = await Catalog.GetAsync(segment.Id);
            await LoadSideAsync();
            saveMessage = $"Saved as version {version}; its membership is being refreshed.";
        }
        catch (SegmentRuleException e)
        {
            saveFailed = true;
            saveMessage = e.Message;
        }
        finally
        {
            saving = false;
        }
    }

    private async Task DuplicateAsync()
    {
        var copy = await Catalog.DuplicateAsync(segment!.Id, (await AuthenticationState).User.ToAuditActor());
        Navigation.NavigateTo($"segments/{copy}");
    }

    private async Task RefreshNowAsync()
    {
        await Catalog.RequestRefreshAsync(segment!.Id);
        saveMessage = "Refresh requested: the size and chart update when it is done.";
        saveFailed = false;
    }

    private void LoadVersion(SegmentVersion version)
    {
        root = AsGroup(SegmentRuleJson.Parse(version.DefinitionJson));
        name = version.Name;
        saveMessage = $"Version {version.Version} loaded into the editor: save to make it the current version.";
        saveFailed = false;
        _ = EstimateSoonAsync();
    }

    /// <summary>The export link is a plain download; its audit entry appears once it has been written.</summary>
    private void ExportStarted() => _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ => InvokeAsync(async () =>
    {
        await LoadSideAsync();
        StateHasChanged();
    }), TaskScheduler.Default);

    private void OnSegmentChanged(long id)
    {
        if (id != segment?.Id) return;
        _ = InvokeAsync(async () =>
        {
            var fresh = await Catalog.GetAsync(id);
            if (fresh is null) return;
            segment = fresh;
            await LoadSideAsync();
            StateHasChanged();
        });
    }

    private static string LeftOut(ChannelSize channel) => channel.LeftOutByReason.Count == 0 ? "" :
        "left out: " + string.Join(", ", channel.LeftOutByReason.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value:N0}"));

    public void Dispose()
    {
        pending?.Cancel();
        Changes.SegmentChanged -= OnSegmentChanged;
    }
}
