using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Customers;

/// <summary>
/// The consent card of the profile. Reads the ledger through <see cref="ConsentLedger"/> and reloads when the profile
/// changes (a change here, intake, another agent), so what it shows is what <see cref="ConsentCheck"/> decides on.
/// Reasons and evidence are shown to people who may open the profile and never logged.
/// </summary>
public partial class ConsentPanel : IDisposable
{
    /// <summary>The source key of changes made in the portal.</summary>
    public const string AgentSource = "portal";

    private static readonly string[] ChangeRoles = [PortalRoles.Agent, PortalRoles.PrivacyOfficer, PortalRoles.Admin];

    [Parameter, EditorRequired] public long CustomerId { get; set; }

    [Inject] public required ConsentLedger Ledger { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required ProfileChangeNotifier ProfileChanges { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyDictionary<ConsentPurpose, ConsentState>? current;
    private readonly Dictionary<ConsentPurpose, IReadOnlyList<ConsentHistoryEntry>> history = [];
    private readonly HashSet<ConsentPurpose> open = [];
    private AuditActor actor = AuditActor.System("portal");
    private bool mayChange;
    private bool busy;
    private bool subscribed;
    private long? loadedFor;

    private DateTime Now => Clock.GetUtcNow().UtcDateTime;

    protected override async Task OnParametersSetAsync()
    {
        if (!RendererInfo.IsInteractive || loadedFor == CustomerId) return;
        var user = (await AuthenticationState).User;
        actor = user.ToAuditActor();
        mayChange = ChangeRoles.Any(user.IsInRole);
        if (!subscribed)
        {
            ProfileChanges.ProfilesChanged += OnProfilesChanged;
            subscribed = true;
        }
        loadedFor = CustomerId;
        open.Clear();
        await ReloadAsync();
    }

    private void OnProfilesChanged(IReadOnlyCollection<long> customerIds)
    {
        if (customerIds.Contains(CustomerId)) _ = InvokeAsync(async () =>
        {
            await ReloadAsync();
            StateHasChanged();
        });
    }

    private async Task ReloadAsync()
    {
        current = await Ledger.CurrentAsync(CustomerId);
        history.Clear();
        foreach (var purpose in open) history[purpose] = await Ledger.HistoryAsync(CustomerId, purpose);
    }

    private async Task ToggleAsync(ConsentPurpose purpose)
    {
        if (!open.Remove(purpose))
        {
            open.Add(purpose);
            history[purpose] = await Ledger.HistoryAsync(CustomerId, purpose);
        }
    }

    private async Task ChangeAsync(ConsentPurpose purpose, ConsentStatus? status)
    {
        var change = await ConsentChangeDialog.AskAsync(Dialogs, purpose, status);
        if (change is null) return;
        busy = true;
        try
        {
            await Ledger.RecordAsync(CustomerId, change, actor);
            open.Add(purpose);
            await ReloadAsync();
            Snackbar.Add($"Recorded: {Core.CustomerView.CustomerTimeline.PurposeText(purpose)} {change.Status.ToString().ToLowerInvariant()}.", Severity.Success);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Our own messages: they name rules, never the person.
            Snackbar.Add(e.Message, Severity.Warning);
        }
        finally
        {
            busy = false;
        }
    }

    public static string BasisText(LawfulBasis basis) => basis switch
    {
        LawfulBasis.Consent => "consent",
        LawfulBasis.LegitimateInterest => "legitimate interest",
        LawfulBasis.Contract => "contract",
        LawfulBasis.LegalObligation => "legal obligation",
        _ => basis.ToString(),
    };

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private string Tooltip(ConsentState state) =>
        $"{BasisText(state.LawfulBasis)}, since {Components.Shared.IdentityWording.Date(state.UpdatedAt)}"
        + (state.ExpiresAt is { } expires ? $", {(expires <= Now ? "expired" : "expires")} {Components.Shared.IdentityWording.Date(expires)}" : "");

    public void Dispose()
    {
        if (subscribed) ProfileChanges.ProfilesChanged -= OnProfilesChanged;
    }
}
