using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Shared;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Offers;

/// <summary>
/// Marketers define the offers next best offer may propose: create, edit, deactivate (never delete, so scores and
/// answers naming an offer keep their meaning), with every problem shown at its field; and run training and ranking
/// on demand. Changes are audited by <see cref="OfferDefinitions"/>.
/// </summary>
public partial class OffersPage : IDisposable
{
    [Inject] public required OfferDefinitions Definitions { get; init; }
    [Inject] public required ProductCatalogue Catalogue { get; init; }
    [Inject] public required NboTraining Training { get; init; }
    [Inject] public required NboJob Job { get; init; }
    [Inject] public required NboNotifier Notifier { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<MarketingOffer>? offers;
    private IReadOnlyDictionary<string, CatalogueProduct> products = new Dictionary<string, CatalogueProduct>();
    private IReadOnlyList<string> categories = [];
    private NboModelVersion? model;
    private IReadOnlyDictionary<string, int> reach = new Dictionary<string, int>();
    private OfferDraft? draft;
    private List<LifecycleStage> stages = [];
    private Dictionary<string, string> errors = [];
    private AuditActor actor = AuditActor.System("portal");
    private bool saving;
    private bool running;
    private string? runMessage;
    private bool subscribed;

    protected override async Task OnInitializedAsync()
    {
        actor = (await AuthenticationState).User.ToAuditActor();
        Notifier.Finished += OnFinished;
        subscribed = true;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        offers = await Definitions.ListAsync();
        var catalogue = await Catalogue.ListAsync();
        products = catalogue.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        categories = catalogue.Select(p => p.Category).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        model = await Training.ActiveAsync();
        reach = await Definitions.ReachAsync();
    }

    private void OnFinished(NboJobResult result) => _ = InvokeAsync(async () =>
    {
        await LoadAsync();
        StateHasChanged();
    });

    private string SkuHelp => draft?.Sku is { Length: > 0 } sku && products.TryGetValue(sku.Trim(), out var product)
        ? $"{product.Name} · {product.Category} · bought by {product.Customers:N0}"
        : products.Count == 0 ? "No product has been sold yet" : $"e.g. {string.Join(", ", products.Keys.Take(3))}";

    private string CategoryHelp => categories.Count == 0 ? "No category has been sold yet" : $"Sold: {string.Join(", ", categories.Take(8))}{(categories.Count > 8 ? "…" : "")}";

    private string? Error(string field) => errors.GetValueOrDefault(field);

    private string ProductName(string? sku) => sku is null ? "" : products.TryGetValue(sku, out var p) && p.Name is not null ? $"{p.Name} ({sku})" : sku;

    private static string Who(MarketingOffer offer)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(offer.Countries)) parts.Add(offer.Countries.Replace(",", ", ", StringComparison.Ordinal));
        if (!string.IsNullOrEmpty(offer.LifecycleStages)) parts.Add(offer.LifecycleStages.Replace(",", ", ", StringComparison.Ordinal));
        if (offer.MinimumOrders is { } orders) parts.Add($"≥ {orders} orders");
        if (offer.MinimumLifetimeValueMinor is { } value) parts.Add(string.Create(CultureInfo.InvariantCulture, $"lifetime value ≥ {value / 100m:0.##}"));
        if (offer.RequiredConsent is { } purpose) parts.Add($"{purpose} consent");
        return parts.Count == 0 ? "everyone with personalisation consent" : string.Join("; ", parts);
    }

    private static string Validity(MarketingOffer offer) => (offer.ValidFrom, offer.ValidUntil) switch
    {
        (null, null) => "always",
        ({ } from, null) => $"from {IdentityWording.Date(from)}",
        (null, { } until) => $"until {IdentityWording.Date(until)}",
        ({ } from, { } until) => $"{IdentityWording.Date(from)} – {IdentityWording.Date(until)}",
    };

    private void New()
    {
        stages = [];
        draft = new OfferDraft { Stages = stages };
        errors = [];
    }

    private void Edit(MarketingOffer offer)
    {
        draft = OfferDraft.From(offer);
        stages = draft.Stages.ToList();
        draft.Stages = stages;
        errors = [];
    }

    private void Cancel()
    {
        draft = null;
        errors = [];
    }

    private void ToggleStage(LifecycleStage stage, bool on)
    {
        if (on && !stages.Contains(stage)) stages.Add(stage);
        else if (!on) stages.Remove(stage);
    }

    private async Task SaveAsync()
    {
        if (draft is null) return;
        saving = true;
        try
        {
            var result = await Definitions.SaveAsync(draft, actor);
            if (!result.Saved)
            {
                errors = result.Errors.ToDictionary();
                return;
            }
            Snackbar.Add($"Offer {result.Offer!.Code} saved. It is ranked for customers at the next pass.", Severity.Success);
            draft = null;
            errors = [];
            await LoadAsync();
        }
        finally
        {
            saving = false;
        }
    }

    private async Task ToggleActiveAsync(MarketingOffer offer)
    {
        await Definitions.SetActiveAsync(offer.Id, !offer.Active, actor);
        Snackbar.Add(offer.Active ? $"Offer {offer.Code} deactivated: it is no longer proposed." : $"Offer {offer.Code} activated.", Severity.Info);
        await LoadAsync();
    }

    private async Task RunNowAsync()
    {
        running = true;
        runMessage = null;
        try
        {
            var result = await Task.Run(() => Job.RunNowAsync(actor));
            runMessage = $"{result.Training?.Message} {result.Scoring.Message}".Trim();
        }
        catch (Exception e) when (e is InvalidOperationException)
        {
            runMessage = "Training and ranking failed; the previous offers stay in place. The log has the details.";
        }
        finally
        {
            running = false;
        }
        await LoadAsync();
    }

    public void Dispose()
    {
        if (subscribed) Notifier.Finished -= OnFinished;
    }
}
