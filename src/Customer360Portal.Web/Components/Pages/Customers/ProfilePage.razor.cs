using Customer360Portal.Core.Access;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Shared;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Customers;

/// <summary>
/// One customer's profile: header, golden record with the lineage of each value, key metrics, and the identity graph
/// (identifiers, source records, merges with their evidence, unmerge). The first cut of the profile the agent 360 view
/// extends. Every load is audited by <see cref="IdentityGraph"/>; nothing about the customer is logged here.
/// </summary>
public partial class ProfilePage
{
    [Parameter] public long Id { get; set; }

    [Inject] public required IdentityGraph Graph { get; init; }
    [Inject] public required UserAdministration Users { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required ReviewDecisions Decisions { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IdentityView? view;
    private bool loaded;
    private bool busy;
    private bool mayUnmerge;
    private long? loadedId;
    private IReadOnlyDictionary<string, string> userNames = new Dictionary<string, string>();

    private sealed record GoldenValue(string Name, string? Value, GoldenField? Lineage);

    protected override async Task OnParametersSetAsync()
    {
        // Prerendering would load (and audit) the profile a second time; the interactive render does it once.
        if (!RendererInfo.IsInteractive || loadedId == Id) return;
        loaded = false;
        mayUnmerge = PortalAreas.MayUnmerge((await AuthenticationState).User);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        view = await Graph.GetAsync(Id, await ActorAsync());
        loadedId = Id;
        userNames = view is not null && view.Merges.Any(m => m.MergedBy is not null || m.UndoneBy is not null)
            ? (await Users.ListAsync()).ToDictionary(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.Email : u.DisplayName)
            : new Dictionary<string, string>();
        loaded = true;
    }

    private string DisplayName
    {
        get
        {
            var name = $"{view!.Profile.GivenName} {view.Profile.FamilyName}".Trim();
            return name.Length > 0 ? name : view.Profile.Anonymous ? $"Anonymous visitor {view.CustomerId}" : $"Profile {view.CustomerId}";
        }
    }

    private string LifetimeValue => Money.Format(view!.Profile.LifetimeValueMinor, view.Profile.Currency);

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
            new GoldenValue(field, ValueOf(field) is { Length: > 0 } value ? value : null, view.Golden.FirstOrDefault(g => g.Field == field)));
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
            await Graph.UnmergeAsync(merge.Id, user.ToAuditActor(), reason);
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

    private async Task<AuditActor> ActorAsync() => (await AuthenticationState).User.ToAuditActor();
}
