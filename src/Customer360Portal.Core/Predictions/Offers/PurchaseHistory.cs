namespace Customer360Portal.Core.Predictions.Offers;

/// <summary>
/// What one customer bought, oldest first (for a basket: the basket's items in their written order). Items may repeat;
/// offers and statistics look at the distinct items.
/// </summary>
public sealed record PurchaseHistory(string CustomerId, IReadOnlyList<string> Items)
{
    /// <summary>The distinct items in the order of their first purchase.</summary>
    public IReadOnlyList<string> DistinctItems() => Items.Distinct(StringComparer.Ordinal).ToList();
}

public static class PurchaseHistories
{
    /// <summary>
    /// One basket per line, items comma-separated (the arules "Groceries" layout); a basket stands in for a customer
    /// (<c>basket-N</c>, N its line number). Empty lines and empty items are left out.
    /// </summary>
    public static IReadOnlyList<PurchaseHistory> FromBaskets(IEnumerable<string> lines)
    {
        var histories = new List<PurchaseHistory>();
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            var items = line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (items.Length > 0) histories.Add(new PurchaseHistory($"basket-{lineNumber}", items));
        }
        return histories;
    }
}
