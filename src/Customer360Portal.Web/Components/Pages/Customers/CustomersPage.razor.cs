using Customer360Portal.Core.Search;
using Customer360Portal.Web.Components.Shared;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Customer360Portal.Web.Components.Pages.Customers;

/// <summary>Results of the global search box: ranked people with masked contact details, each linking to its profile.</summary>
public partial class CustomersPage
{
    [Inject] public required CustomerSearchState SearchState { get; init; }
    [Inject] public required CustomerSearch Search { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<CustomerSearchResult>? results;
    private bool searching;
    private string? searchedFor;
    private int generation;

    protected override async Task OnInitializedAsync()
    {
        SearchState.Changed += OnSearch;
        await RunAsync();
    }

    private void OnSearch() => InvokeAsync(async () =>
    {
        StateHasChanged();
        await RunAsync();
    });

    private async Task RunAsync()
    {
        var query = SearchState.Query;
        if (string.IsNullOrWhiteSpace(query) || query == searchedFor) return;
        var mine = ++generation;
        searchedFor = query;
        searching = true;
        results = null;
        StateHasChanged();
        var actor = (await AuthenticationState).User.ToAuditActor();
        var found = await Search.SearchAsync(query, actor);
        if (mine != generation) return; // a newer search replaced this one
        results = found;
        searching = false;
        StateHasChanged();
    }

    public void Dispose() => SearchState.Changed -= OnSearch;
}
