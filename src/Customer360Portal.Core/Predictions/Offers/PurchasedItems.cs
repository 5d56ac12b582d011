using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Predictions.Offers;

/// <summary>
/// Projects a placed order's lines into <see cref="PurchasedItem"/> rows when its record is resolved. Returned and
/// cancelled orders add nothing; a returned product stays among what the customer owns, so it is not offered again.
/// An order resent with a new status repeats its lines: readers look at distinct products per customer.
/// </summary>
public static class PurchasedItems
{
    public const int MaxText = 200;

    public static void Project(ProfileStore store, long customerId, long sourceRecordId, NormalisedRecord record)
    {
        if (record.Lines is not { Count: > 0 } lines || record.InteractionType != "order.placed") return;
        foreach (var line in lines)
            store.PurchasedItems.Add(new PurchasedItem
            {
                CustomerId = customerId, SourceRecordId = sourceRecordId, Sku = Clip(line.Sku)!, Name = Clip(line.Name), Category = Clip(line.Category),
                Quantity = line.Quantity, UnitPriceMinor = line.UnitPriceMinor, Currency = record.Currency, PurchasedAt = record.OccurredAt,
                OrderReference = Clip(record.Reference),
            });
    }

    private static string? Clip(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;
}
