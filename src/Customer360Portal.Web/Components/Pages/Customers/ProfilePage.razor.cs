using Customer360Portal.Core.Access;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Shared;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Customers;

/// <summary>
/// The agent's 360 view of one customer: header with golden record (lineage per value), key figures, tags, predictions
/// and consent; the journey map; the unified timeline; notes and follow-ups; and the identity graph (identifiers,
/// source records, merges with their evidence, unmerge). Sensitive values are masked for roles that do not need them.
/// Every load is audited by <see cref="IdentityGraph"/>; nothing about the customer is logged here. New interactions
/// for the open profile arrive through <see cref="ProfileChangeNotifier"/> and show without a reload.
/// </summary>
public partial class ProfilePage : IDisposable
{
    [Parameter] public long Id { get; set; }
    /// <summary>A golden field to correct straight away (the data quality centre's "Fix" link opens the dialog on it).</summary>
    [SupplyParameterFromQuery(Name = "correct")] public string? CorrectField { get; set; }

    [Inject] public required IdentityGraph Graph { get; init; }
    [Inject] public required UserAdministration Users { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required ReviewDecisions Decisions { get; init; }
    [Inject] public required ProfileSummaries Summaries { get; init; }
    [Inject] public required CustomerTimeline Timeline { get; init; }
    [Inject] public required ProfileChangeNotifier ProfileChanges { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }
    [Inject] public required AuditLog Audit { get; init; }
    [Inject] public required Core.Privacy.ProfileCorrections Corrections { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IdentityView? view;
    private bool loaded;
    private bool busy;
    private bool mayUnmerge;
    private long? loadedId;
    private IReadOnlyDictionary<string, string> userNames = new Dictionary<string, string>();
    private ProfileSummary? summary;
    private JourneyMapData? journey;
    private ProfileMasking masking = ProfileMasking.ForRoles([]);
    private AuditActor actor = AuditActor.System("portal");
    private bool mayWriteNotes;
    private bool mayOpenRestricted;
    private bool refusedAsRestricted;
    private ProfileTimeline? timeline;
    private DateTime? liveAt;
    private bool subscribed;
    private int refreshing;

    private sealed record GoldenValue(string Name, string? Value, GoldenField? Lineage);

    protected override async Task OnParametersSetAsync()
    {
        // Prerendering would load (and audit) the profile a second time; the interactive render does it once.
        if (!RendererInfo.IsInteractive || loadedId == Id) return;
        loaded = false;
        var user = (await AuthenticationState).User;
        mayUnmerge = PortalAreas.MayUnmerge(user);
        mayWriteNotes = PortalAreas.MayWriteNotes(user);
        mayOpenRestricted = user.IsInRole(PortalRoles.PrivacyOfficer);
        masking = ProfileMasking.ForUser(user);
        actor = user.ToAuditActor();
        if (!subscribed)
        {
            ProfileChanges.ProfilesChanged += OnProfilesChanged;
            subscribed = true;
        }
        await LoadAsync();
        if (CorrectField is { } field && Core.Profiles.GoldenRecord.Fields.Contains(field) && view?.Profile.Status == CustomerStatus.Active)
            _ = InvokeAsync(() => RectifyFieldAsync(field)); // not awaited: the dialog stays open while the page renders
    }

    private async Task LoadAsync()
    {
        // A restricted profile is frozen: only privacy officers open it. The refusal is audited, the profile is not read.
        refusedAsRestricted = !mayOpenRestricted && await Graph.StatusAsync(Id) == CustomerStatus.Restricted;
        if (refusedAsRestricted)
        {
            await Audit.WriteAsync(actor, "profile.view-refused", "customer", Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "processing restricted");
            (view, summary, journey, loadedId, loaded) = (null, null, null, Id, true);
            return;
        }
        view = await Graph.GetAsync(Id, actor);
        loadedId = Id;
        summary = view is null ? null : await Summaries.LoadAsync(view.CustomerId);
        await LoadUserNamesIfNeededAsync();
        loaded = true;
        journey = null;
        StateHasChanged();
        // The journey reads every interaction of the profile: it follows the first paint instead of holding it up.
        if (view is not null) journey = await Timeline.JourneyAsync(view.CustomerId, Clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>Names of the people behind merges and follow-ups, read only when one is shown and not known yet.</summary>
    private async Task LoadUserNamesIfNeededAsync()
    {
        var shown = (view?.Merges.SelectMany(m => new[] { m.MergedBy, m.UndoneBy }) ?? [])
            .Concat(summary?.OpenTasks.Select(t => t.AuthorUserId) ?? []).OfType<string>();
        if (shown.All(userNames.ContainsKey)) return;
        userNames = (await Users.ListAsync()).ToDictionary(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.Email : u.DisplayName);
    }

    private void OnProfilesChanged(IReadOnlyCollection<long> customerIds)
    {
        if (view is { } shown && customerIds.Contains(shown.CustomerId)) _ = InvokeAsync(RefreshLiveAsync);
    }

    /// <summary>
    /// Reloads what new records or notes change (figures, tasks, timeline, journey) without re-reading the identity
    /// graph, so a busy profile does not write a "viewed" audit entry per arriving record. Overlapping refreshes collapse.
    /// </summary>
    private async Task RefreshLiveAsync()
    {
        if (view is null || Interlocked.Exchange(ref refreshing, 1) == 1) return;
        try
        {
            summary = await Summaries.LoadAsync(view.CustomerId) ?? summary;
            await LoadUserNamesIfNeededAsync();
            if (timeline is not null) await timeline.RefreshAsync();
            journey = await Timeline.JourneyAsync(view.CustomerId, Clock.GetUtcNow().UtcDateTime);
            liveAt = Clock.GetUtcNow().UtcDateTime;
            StateHasChanged();
        }
        finally
        {
            Interlocked.Exchange(ref refreshing, 0);
        }
    }

    /// <summary>A person fixes a bad value with a reason; the correction wins over the sources from now on and shows in the lineage.</summary>
    private Task RectifyAsync() => RectifyFieldAsync(null);

    private async Task RectifyFieldAsync(string? field)
    {
        if (view is null) return;
        var correction = await RectifyDialog.AskAsync(Dialogs, $"Correct a value of profile {view.CustomerId}", field);
        if (correction is null) return;
        busy = true;
        try
        {
            await Corrections.RectifyAsync(view.CustomerId, correction.Field, correction.Value, correction.Reason, actor);
            Snackbar.Add($"{IdentityWording.GoldenFieldLabel(correction.Field)} corrected.", Severity.Success);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // The service's messages name fields, never values.
            Snackbar.Add(e.Message.Split(" (Parameter")[0], Severity.Warning);
            return;
        }
        finally
        {
            busy = false;
        }
        await LoadAsync();
    }

    public void Dispose()
    {
        if (subscribed) ProfileChanges.ProfilesChanged -= OnProfilesChanged;
    }

    private string DisplayName
    {
        get
        {
            var name = $"{view!.Profile.GivenName} {view.Profile.FamilyName}".Trim();
            return name.Length > 0 ? name : view.Profile.Anonymous ? $"Anonymous visitor {view.CustomerId}" : $"Profile {view.CustomerId}";
        }
    }

    private IEnumerable<GoldenValue> GoldenFields()
    {
        var profile = view!.Profile;
        string? ValueOf(string field) => field switch
        {
            nameof(Customer.GivenName) => profile.GivenName,
            nameof(Customer.FamilyName) => profile.FamilyName,
            nameof(Customer.Email) => profile.Email,
            nameof(Customer.Phone) => profile.Phone,
            nameof(Customer.DateOfBirth) => profile.DateOfBirth?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            nameof(Customer.AddressLine) => profile.AddressLine,
            nameof(Customer.City) => profile.City,
            nameof(Customer.Postcode) => profile.Postcode,
            nameof(Customer.Country) => profile.Country,
            _ => null,
        };
        return Core.Profiles.GoldenRecord.Fields.Select(field =>
            new GoldenValue(field, ValueOf(field) is { Length: > 0 } value ? masking.Field(field, value) : null, view.Golden.FirstOrDefault(g => g.Field == field)));
    }

    private static Color StatusColor(CustomerStatus status) => status switch
    {
        CustomerStatus.Active => Color.Success,
        CustomerStatus.Restricted => Color.Warning,
        _ => Color.Default,
    };

    private static string StageText(LifecycleStage stage) => stage switch
    {
        LifecycleStage.Unknown => "stage unknown",
        LifecycleStage.AtRisk => "at risk",
        _ => stage.ToString().ToLowerInvariant(),
    };

    private string UserName(string userId) => userNames.GetValueOrDefault(userId, userId);

    private async Task UnmergeAsync(GraphMerge merge)
    {
        var user = (await AuthenticationState).User;
        // The button is hidden for other roles; the handler checks again, as a hidden button is no permission.
        if (!PortalAreas.MayUnmerge(user))
        {
            Snackbar.Add("Your role may not unmerge profiles.", Severity.Error);
            return;
        }
        if (view is null || merge.SurvivorId != view.CustomerId || merge.UndoneAt is not null) return;

        var reason = await ReasonDialog.AskAsync(Dialogs, $"Unmerge profile {merge.MergedId}",
            $"Profile {merge.MergedId} gets back the records first resolved to it, with their timeline, consent and notes, and both " +
            "profiles are rebuilt from their records. The pair is remembered as different people and not merged automatically again.",
            "Unmerge", Color.Error);
        if (reason is null) return;

        busy = true;
        try
        {
            await Graph.UnmergeAsync(merge.Id, actor, reason);
        }
        catch (InvalidOperationException e)
        {
            // The service's messages are written for people and carry no personal data.
            Snackbar.Add(e.Message, Severity.Warning);
            await LoadAsync();
            return;
        }
        finally
        {
            busy = false;
        }
        Decisions.Publish();
        await LoadAsync();
        var restored = merge.MergedId;
        Snackbar.Add($"Profile {restored} was split off this profile and restored.", Severity.Success, options =>
        {
            options.Action = $"Open profile {restored}";
            options.ActionColor = Color.Primary;
            options.VisibleStateDuration = 10_000; // time to follow the link
            options.OnClick = _ =>
            {
                Navigation.NavigateTo($"customers/{restored}");
                return Task.CompletedTask;
            };
        });
    }
}
