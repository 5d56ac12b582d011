using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Web.Components.Shared;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Reviews;

/// <summary>
/// The match review queue: open pairs by probability, a side-by-side comparison with the model's evidence, and the
/// accept and reject decisions, each with a required reason. <see cref="ReviewQueue"/> audits every opened pair and
/// every decision; this page shows ids, never names, in its messages.
/// </summary>
public partial class ReviewsPage
{
    private const int Shown = 100;

    [Inject] public required ReviewQueue Queue { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required ReviewDecisions Decisions { get; init; }
    [Inject] public required ILogger<ReviewsPage> Logger { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<ReviewListItem>? reviews;
    private int openCount;
    private ReviewDetail? detail;
    private bool busy;

    private sealed record ComparisonRow(string Label, string? Left, string? Right, bool Differs);

    protected override async Task OnInitializedAsync()
    {
        // Loaded once the circuit is interactive, not a second time while prerendering.
        if (RendererInfo.IsInteractive) await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        reviews = await Queue.OpenAsync(Shown);
        openCount = await Queue.OpenCountAsync();
        if (detail is not null && reviews.All(r => r.Id != detail.Id)) detail = null;
    }

    private static string NameOf(string? name, long customerId) =>
        string.IsNullOrWhiteSpace(name) ? $"Profile {customerId}" : name;

    private string RowClass(ReviewListItem item, int _) => item.Id == detail?.Id ? "selected-row" : "";

    private async Task SelectAsync(ReviewListItem item)
    {
        ReviewDetail? opened;
        try
        {
            opened = await Queue.DetailAsync(item.Id, await ActorAsync());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One pair that cannot be opened (the store busy past its wait, profiles changing under it) must not blank
            // the queue: say so, keep the list, and read it again.
            Logger.LogWarning("Review {ReviewId} could not be opened: {ExceptionType}", item.Id, e.GetType().Name);
            Snackbar.Add("That pair could not be opened just now; the list was read again. Try it once more.", Severity.Warning);
            detail = null;
            await ReloadAsync();
            return;
        }
        if (opened is not { Status: Data.Model.ReviewStatus.Open })
        {
            Snackbar.Add("That pair was decided meanwhile, or one of its profiles changed.", Severity.Info);
            detail = null;
            await ReloadAsync();
            return;
        }
        detail = opened;
    }

    private void CloseDetail() => detail = null;

    private IEnumerable<ComparisonRow> ComparisonRows()
    {
        var (l, r) = (detail!.Left, detail.Right);
        static string? Date(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        yield return Compare("Given name", l.GivenName, r.GivenName);
        yield return Compare("Family name", l.FamilyName, r.FamilyName);
        yield return Compare("Email", l.Email, r.Email);
        yield return Compare("Phone", l.Phone, r.Phone);
        yield return Compare("Date of birth", Date(l.DateOfBirth), Date(r.DateOfBirth));
        yield return Compare("Address", l.AddressLine, r.AddressLine);
        yield return Compare("City", l.City, r.City);
        yield return Compare("Postcode", l.Postcode, r.Postcode);
        yield return Compare("Country", l.Country, r.Country);
        yield return new("Source records", l.Records.ToString("N0", CultureInfo.InvariantCulture), r.Records.ToString("N0", CultureInfo.InvariantCulture), false);
        yield return new("Identifiers", l.Identifiers.ToString("N0", CultureInfo.InvariantCulture), r.Identifiers.ToString("N0", CultureInfo.InvariantCulture), false);
        yield return new("Sources", Sources(l.Sources), Sources(r.Sources), false);
        yield return new("Last activity", IdentityWording.Timestamp(l.LastActivityAt), IdentityWording.Timestamp(r.LastActivityAt), false);
    }

    /// <summary>Highlighted when both sides have a value and they differ (a missing value is no disagreement).</summary>
    private static ComparisonRow Compare(string label, string? left, string? right)
    {
        left = string.IsNullOrWhiteSpace(left) ? null : left.Trim();
        right = string.IsNullOrWhiteSpace(right) ? null : right.Trim();
        return new(label, left, right, left is not null && right is not null && !string.Equals(left, right, StringComparison.OrdinalIgnoreCase));
    }

    private static string? Sources(IReadOnlyList<string> sources) => sources.Count == 0 ? null : string.Join(", ", sources.Order(StringComparer.Ordinal));

    private static Color ProbabilityColor(double probability) =>
        probability >= 0.8 ? Color.Success : probability >= 0.5 ? Color.Warning : Color.Error;

    private static string WeightClass(double weight) => weight > 0 ? "weight-positive" : weight < 0 ? "weight-negative" : "";

    private async Task AcceptAsync()
    {
        if (detail is null) return;
        var (id, left, right) = (detail.Id, detail.Left.CustomerId, detail.Right.CustomerId);
        var reason = await ReasonDialog.AskAsync(Dialogs, "Accept: same person",
            $"Profiles {left} and {right} become one profile: the older one survives, the other id leads to it, and every record, " +
            "interaction and consent moves over (consent never widens). You can undo it later with Unmerge on the profile.",
            "Merge the profiles");
        if (reason is null) return;
        if (await DecideAsync(actor => Queue.AcceptAsync(id, actor, reason)))
            Snackbar.Add($"Accepted: profiles {left} and {right} are now one profile.", Severity.Success, options =>
            {
                options.Action = "Open profile";
                options.ActionColor = Color.Primary;
                options.VisibleStateDuration = 10_000; // time to follow the link
                // The older profile survives; if it was the one merged away, its id still leads to the survivor.
                options.OnClick = _ =>
                {
                    Navigation.NavigateTo($"customers/{left}");
                    return Task.CompletedTask;
                };
            });
    }

    private async Task RejectAsync()
    {
        if (detail is null) return;
        var (id, left, right) = (detail.Id, detail.Left.CustomerId, detail.Right.CustomerId);
        var reason = await ReasonDialog.AskAsync(Dialogs, "Reject: different people",
            $"Profiles {left} and {right} stay apart, and resolution never proposes or merges this pair again.",
            "Keep them apart", Color.Secondary);
        if (reason is null) return;
        if (await DecideAsync(actor => Queue.RejectAsync(id, actor, reason)))
            Snackbar.Add($"Rejected: profiles {left} and {right} stay apart and will not be proposed again.", Severity.Success);
    }

    /// <summary>Runs a decision; false (with the reason shown) when the pair was decided or changed meanwhile.</summary>
    private async Task<bool> DecideAsync(Func<AuditActor, Task> decide)
    {
        busy = true;
        try
        {
            await decide(await ActorAsync());
            return true;
        }
        catch (InvalidOperationException e)
        {
            // The queue's messages are written for people and carry no personal data.
            Snackbar.Add(e.Message, Severity.Warning);
            return false;
        }
        finally
        {
            busy = false;
            detail = null;
            await ReloadAsync();
            Decisions.Publish();
        }
    }

    private async Task<AuditActor> ActorAsync() => (await AuthenticationState).User.ToAuditActor();
}
