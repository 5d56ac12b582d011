namespace Customer360Portal.Web.Components.Shared;

/// <summary>
/// The text typed into the global search box, kept per circuit. It is deliberately not put in the URL: names,
/// emails and phone numbers in query strings end up in proxy logs and browser history.
/// </summary>
public sealed class CustomerSearchState
{
    public string? Query { get; private set; }

    public event Action? Changed;

    public void Search(string query)
    {
        Query = query.Trim();
        Changed?.Invoke();
    }
}
