using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Shared;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Privacy;

/// <summary>
/// The privacy officers' request queue: filters, the queue by due date with overdue warnings, a detail panel with the
/// history and every action (assign, verify, link the profile, download the access package, complete, reject, notes).
/// <see cref="PrivacyRequests"/> audits each action; snackbars here name request ids, never the person.
/// </summary>
public partial class RequestsPage : IDisposable
{
    private const string AnyType = "any";

    [Inject] public required PrivacyRequests Requests { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required ErasureJobs Erasures { get; init; }
    [Inject] public required ProfileCorrections Corrections { get; init; }
    [Inject] public required Core.Consent.ConsentLedger Consent { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<PrivacyRequestListItem>? items;
    private int openCount;
    private int overdueCount;
    private RequestFilter filter = RequestFilter.Open;
    private string typeFilter = AnyType;
    private PrivacyRequestDetail? detail;
    private IReadOnlyList<SubjectProfileMatch>? matches;
    private string? profileQuery;
    private string? noteText;
    private string? currentUserId;
    private bool busy;
    private BackgroundJob? erasureJob;
    private bool subscribed;

    protected override async Task OnInitializedAsync()
    {
        currentUserId = (await ActorAsync()).UserId;
        if (RendererInfo.IsInteractive && !subscribed)
        {
            Erasures.Changed += OnErasureChanged;
            subscribed = true;
        }
        // Loaded once the circuit is interactive, not a second time while prerendering.
        if (RendererInfo.IsInteractive) await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        PrivacyRequestType? type = Enum.TryParse<PrivacyRequestType>(typeFilter, out var t) ? t : null;
        items = await Requests.ListAsync(filter, type, currentUserId);
        (openCount, overdueCount) = await Requests.CountsAsync();
        if (detail is not null) detail = await Requests.GetAsync(detail.Request.Id);
        erasureJob = detail is { Request.Type: PrivacyRequestType.Erasure } ? await Erasures.LatestAsync(detail.Request.Id) : null;
    }

    private async Task FilterChangedAsync(RequestFilter value)
    {
        filter = value;
        await ReloadAsync();
    }

    private async Task TypeChangedAsync(string value)
    {
        typeFilter = value;
        await ReloadAsync();
    }

    private string RowClass(PrivacyRequestListItem item, int _) => item.Id == detail?.Request.Id ? "selected-row" : "";

    private async Task SelectAsync(long id)
    {
        detail = await Requests.GetAsync(id);
        erasureJob = detail is { Request.Type: PrivacyRequestType.Erasure } ? await Erasures.LatestAsync(id) : null;
        matches = null;
        noteText = null;
        profileQuery = detail?.Request.SubjectContact;
    }

    private void CloseDetail() => detail = null;

    private async Task NewRequestAsync()
    {
        var request = await NewRequestDialog.AskAsync(Dialogs);
        if (request is null) return;
        try
        {
            var filed = await Requests.FileAsync(request, await ActorAsync());
            Snackbar.Add($"Request #{filed.Id} filed, due {RequestWording.Day(filed.DueAt)}.", Severity.Success);
            await ReloadAsync();
            await SelectAsync(filed.Id);
        }
        catch (ArgumentException e)
        {
            Snackbar.Add(e.Message.Split(" (Parameter")[0], Severity.Warning);
        }
    }

    private Task AssignToMeAsync() => ActAsync((id, version, actor) => Requests.AssignAsync(id, version, actor.UserId, actor), "Assigned to you.");

    private Task VerifiedAsync() =>
        ActAsync((id, version, actor) => Requests.SetVerificationAsync(id, version, IdentityVerification.Verified, null, actor), "Identity marked as verified.");

    private async Task VerificationFailedAsync()
    {
        var reason = await ReasonDialog.AskAsync(Dialogs, "Identity check failed",
            "Say why the person's identity could not be verified (e.g. no answer to the verification email).", "Record the failure", Color.Error);
        if (reason is null) return;
        await ActAsync((id, version, actor) => Requests.SetVerificationAsync(id, version, IdentityVerification.Failed, reason, actor), "Identity check recorded as failed.");
    }

    private Task StartWorkAsync() =>
        ActAsync((id, version, actor) => Requests.ChangeStatusAsync(id, version, PrivacyRequestStatus.InProgress, null, actor), "Request in progress.");

    private async Task CompleteAsync()
    {
        if (detail is null) return;
        var message = detail.Request.Type == PrivacyRequestType.Access
            ? "The request is closed with the access package you downloaded as its outcome. Say how it was sent to the person."
            : "The request is closed. Say what was done.";
        var reason = await ReasonDialog.AskAsync(Dialogs, $"Complete request #{detail.Request.Id}", message, "Complete", Color.Success);
        if (reason is null) return;
        await ActAsync((id, version, actor) => Requests.ChangeStatusAsync(id, version, PrivacyRequestStatus.Completed, reason, actor), "Request completed.");
    }

    private async Task RejectAsync()
    {
        if (detail is null) return;
        var reason = await ReasonDialog.AskAsync(Dialogs, $"Reject request #{detail.Request.Id}",
            "Say why the request is rejected (e.g. identity could not be verified, manifestly unfounded). The person must be told why.",
            "Reject", Color.Secondary);
        if (reason is null) return;
        await ActAsync((id, version, actor) => Requests.ChangeStatusAsync(id, version, PrivacyRequestStatus.Rejected, reason, actor), "Request rejected.");
    }

    private async Task AddNoteAsync()
    {
        if (string.IsNullOrWhiteSpace(noteText)) return;
        var text = noteText;
        if (await ActAsync((id, version, actor) => Requests.AddNoteAsync(id, version, text, actor), "Note added."))
            noteText = null;
    }

    private async Task ProfileQueryKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await FindProfilesAsync();
    }

    private async Task FindProfilesAsync()
    {
        if (detail is null || string.IsNullOrWhiteSpace(profileQuery)) return;
        matches = await Requests.FindProfilesAsync(detail.Request.Id, profileQuery, await ActorAsync());
    }

    private Task LinkAsync(long customerId) =>
        ActAsync((id, version, actor) => Requests.LinkCustomerAsync(id, version, customerId, actor), $"Linked to profile {customerId}.");

    /// <summary>
    /// Starts the background erasure of the linked profile (and everything merged into it); the job completes the request
    /// with the erasure receipt. Progress shows while it runs.
    /// </summary>
    private async Task StartErasureAsync()
    {
        if (detail is null) return;
        var reason = await ReasonDialog.AskAsync(Dialogs, $"Erase the person of request #{detail.Request.Id}",
            "Everything held about the person is removed for good: their profile and every profile merged into it, source records, " +
            "identifiers, timeline, notes, consent details and scores. Only keyed hashes of their identifiers stay, so the next sync " +
            "does not bring them back. This cannot be undone.", "Erase", Color.Error);
        if (reason is null) return;
        if (await ActAsync(async (id, version, actor) =>
            {
                await Requests.AddNoteAsync(id, version, $"Erasure started: {reason}", actor);
                await Erasures.RequestAsync(id, actor);
                return version;
            }, $"Erasure of request #{detail.Request.Id} started."))
            StateHasChanged();
    }

    private Task RestrictAsync() => ChangeRestrictionAsync(restrict: true);

    private Task LiftRestrictionAsync() => ChangeRestrictionAsync(restrict: false);

    private async Task ChangeRestrictionAsync(bool restrict)
    {
        if (detail?.Request.CustomerId is not { } customerId) return;
        var reason = await ReasonDialog.AskAsync(Dialogs, restrict ? $"Restrict processing of profile {customerId}" : $"Lift the restriction of profile {customerId}",
            restrict ? "The profile is frozen: no marketing or sharing, no scoring, and only privacy officers can open it, until the restriction is lifted."
                     : "The profile is processed as usual again.",
            restrict ? "Restrict" : "Lift restriction", restrict ? Color.Warning : Color.Primary);
        if (reason is null) return;
        await ActAsync(async (id, version, actor) =>
        {
            if (restrict) await Corrections.RestrictAsync(customerId, reason, actor, id);
            else await Corrections.LiftRestrictionAsync(customerId, reason, actor, id);
            return version;
        }, restrict ? $"Profile {customerId} is restricted." : $"The restriction of profile {customerId} is lifted.");
    }

    /// <summary>An objection or CCPA opt-out: "do not sell or share" and partner sharing are withdrawn in the consent ledger.</summary>
    private async Task RecordOptOutAsync()
    {
        if (detail?.Request.CustomerId is not { } customerId) return;
        var reason = await ReasonDialog.AskAsync(Dialogs, $"Record the opt-out of profile {customerId}",
            "Sale or sharing of the person's data and sharing with partners are withdrawn in the consent ledger; every outbound path then leaves them out.",
            "Record opt-out", Color.Primary);
        if (reason is null) return;
        await ActAsync(async (id, version, actor) =>
        {
            foreach (var purpose in new[] { ConsentPurpose.SaleOrSharing, ConsentPurpose.PartnerSharing })
                await Consent.RecordAsync(customerId, new Core.Consent.ConsentChange(purpose, ConsentStatus.Withdrawn, LawfulBasis.Consent, "portal",
                    $"privacy request {id}", reason), actor);
            return await Requests.AddNoteAsync(id, version, "Opt-out of sale and sharing recorded in the consent ledger.", actor);
        }, $"Opt-out of profile {customerId} recorded.");
    }

    private async Task RectifyAsync()
    {
        if (detail?.Request.CustomerId is not { } customerId) return;
        var correction = await RectifyDialog.AskAsync(Dialogs, $"Correct a value of profile {customerId}");
        if (correction is null) return;
        await ActAsync(async (id, version, actor) =>
        {
            await Corrections.RectifyAsync(customerId, correction.Field, correction.Value, correction.Reason, actor, id);
            return version;
        }, $"The {IdentityWording.GoldenFieldLabel(correction.Field).ToLowerInvariant()} of profile {customerId} is corrected.");
    }

    private void OnErasureChanged() => _ = InvokeAsync(async () =>
    {
        // A finished erasure completes the request: read it again to show the receipt.
        if (detail is not null && !Erasures.Running.ContainsKey(detail.Request.Id)) await ReloadAsync();
        StateHasChanged();
    });

    /// <summary>The erasure receipt stored as the outcome of a completed erasure request, if that is what it holds.</summary>
    private static ErasureReceipt? ReceiptOf(PrivacyRequest request)
    {
        if (request.Type != PrivacyRequestType.Erasure || request.Outcome is not { } outcome || !outcome.StartsWith('{')) return null;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<ErasureReceipt>(outcome);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (subscribed) Erasures.Changed -= OnErasureChanged;
    }

    /// <summary>Runs an action on the open request with its version; shows why when it cannot, and reloads either way.</summary>
    private async Task<bool> ActAsync(Func<long, long, AuditActor, Task<long>> action, string done)
    {
        if (detail is null) return false;
        busy = true;
        try
        {
            await action(detail.Request.Id, detail.Request.Version, await ActorAsync());
            Snackbar.Add(done, Severity.Success);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // The service's messages are written for people and carry no personal data.
            Snackbar.Add(e.Message.Split(" (Parameter")[0], Severity.Warning);
            return false;
        }
        finally
        {
            busy = false;
            await ReloadAsync();
        }
    }

    private async Task<AuditActor> ActorAsync() => (await AuthenticationState).User.ToAuditActor();
}
