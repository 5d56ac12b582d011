using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>What training and scoring read from the store: histories, catalogue, engagement and feedback.</summary>
internal sealed record NboInputs(IReadOnlyList<PurchaseHistory> Histories, IReadOnlyDictionary<string, CatalogueProduct> Catalogue, OfferContext Context)
{
    public IReadOnlyDictionary<string, ItemInfo> Items => Context.Items;
}

internal static class NboData
{
    private static readonly InteractionChannel[] EngagementChannels = [InteractionChannel.Email, InteractionChannel.Web, InteractionChannel.App];

    /// <summary>
    /// Everything training and scoring read, on their own connections at once: purchase histories and the catalogue
    /// (on SQLite from one scan of the purchased items, <see cref="ScanSqliteAsync"/>; elsewhere, or with
    /// <paramref name="direct"/> false, through the queries that define them), channel engagement and feedback.
    /// </summary>
    public static async Task<NboInputs> LoadAsync(IDbContextFactory<ProfileStore> stores, DateTime now, NboOptions options, CancellationToken cancellationToken,
        bool direct = true)
    {
        var engagementRead = Task.Run(async () =>
        {
            using var span = PredictionsTelemetry.Source.StartActivity(NboTelemetry.ReadEngagement);
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            var since = now.AddDays(-options.EngagementDays);
            var recent = store.Interactions.AsNoTracking().Where(i => i.OccurredAt >= since && EngagementChannels.Contains(i.Channel));
            if (!direct || !store.Database.IsSqlite())
                return await recent.GroupBy(i => i.CustomerId).Select(g => new { g.Key, Count = g.Count() })
                    .ToDictionaryAsync(g => Key(g.Key), g => g.Count, StringComparer.Ordinal, cancellationToken);
            // Grouped in SQL, SQLite walks the (CustomerId, OccurredAt) index and fetches every interaction at random (7.3 s
            // for 15 million in the sqlite3 shell); one scan of the table, counted here, takes 2.3 s. Same counts (tested).
            // EF's query, its rows read straight from SQLite (no object per row).
            var counts = new Dictionary<long, int>();
            await store.Database.OpenConnectionAsync(cancellationToken);
            using (var scan = DirectSqliteStatement.FromCommand((Microsoft.Data.Sqlite.SqliteConnection)store.Database.GetDbConnection(),
                       recent.Select(i => i.CustomerId).CreateDbCommand()))
                for (var n = 0; scan.Read(); n++)
                {
                    if ((n & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                    CollectionsMarshal.GetValueRefOrAddDefault(counts, scan.Int64(0), out _)++;
                }
            return counts.ToDictionary(c => Key(c.Key), c => c.Value, StringComparer.Ordinal);
        }, cancellationToken);
        var feedbackRead = Task.Run(async () =>
        {
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            return await store.OfferFeedback.AsNoTracking().Where(f => f.Item != null)
                .Where(f => store.Customers.Any(c => c.Id == f.CustomerId && c.Status == CustomerStatus.Active))
                .Select(f => new { f.CustomerId, f.Item, f.Outcome }).ToListAsync(cancellationToken);
        }, cancellationToken);

        List<PurchaseHistory> histories;
        Dictionary<string, CatalogueProduct> catalogue;
        using (PredictionsTelemetry.Source.StartActivity(NboTelemetry.ReadHistories))
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
        {
            if (direct && store.Database.IsSqlite())
                (histories, catalogue) = await ScanSqliteAsync(stores, store, cancellationToken);
            else
            {
                histories = await HistoriesAsync(store, cancellationToken);
                catalogue = (await ProductCatalogue.ListAsync(store, cancellationToken)).ToDictionary(p => p.Sku, StringComparer.Ordinal);
            }
        }
        var engagement = await engagementRead;
        var feedback = await feedbackRead;

        var context = new OfferContext
        {
            Items = catalogue.ToDictionary(p => p.Key, p => new ItemInfo(p.Value.Category, p.Value.TypicalPriceMinor), StringComparer.Ordinal),
            Engagement = engagement,
            Feedback = feedback.Select(f => new FeedbackExample(Key(f.CustomerId), f.Item!, f.Outcome == OfferOutcome.Accepted)).ToList(),
        };
        return new NboInputs(histories, catalogue, context);
    }

    /// <summary>Purchases of active profiles only (restricted, merged-away and erased people are not learned from), by customer, oldest first.</summary>
    private static async Task<List<PurchaseHistory>> HistoriesAsync(ProfileStore store, CancellationToken cancellationToken)
    {
        var rows = store.PurchasedItems.AsNoTracking()
            .Where(i => store.Customers.Any(c => c.Id == i.CustomerId && c.Status == CustomerStatus.Active))
            .OrderBy(i => i.CustomerId).ThenBy(i => i.PurchasedAt).ThenBy(i => i.Id)
            .Select(i => new { i.CustomerId, i.Sku });
        var histories = new List<PurchaseHistory>();
        var items = new List<string>();
        long current = 0;
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (row.CustomerId != current && items.Count > 0)
            {
                histories.Add(new PurchaseHistory(Key(current), items));
                items = [];
            }
            current = row.CustomerId;
            items.Add(row.Sku);
        }
        if (items.Count > 0) histories.Add(new PurchaseHistory(Key(current), items));
        return histories;
    }

    /// <summary>
    /// The histories and the catalogue of <see cref="HistoriesAsync"/> and <see cref="ProductCatalogue.ListAsync(ProfileStore, CancellationToken)"/>
    /// from one scan of the purchased items in storage order, through SQLitePCL (skus, names and times read as the
    /// UTF-8 bytes SQLite holds): at a million customers the ordered read walks the index and the table row by row,
    /// and the catalogue's grouping sorts every row. Here the rows are grouped by customer in memory and put in time
    /// order; names, categories and currencies are the greatest by their bytes (SQLite's MAX), prices the exact mean
    /// of whole numbers (as AVG), customers counted over every profile as the query does. The same results (tested).
    /// </summary>
    private static async Task<(List<PurchaseHistory>, Dictionary<string, CatalogueProduct>)> ScanSqliteAsync(IDbContextFactory<ProfileStore> stores,
        ProfileStore store, CancellationToken cancellationToken)
    {
        var activeRead = Task.Run(async () =>
        {
            await using var other = await stores.CreateDbContextAsync(cancellationToken);
            var active = new HashSet<long>();
            await foreach (var id in other.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id)
                               .AsAsyncEnumerable().WithCancellation(cancellationToken))
                active.Add(id);
            return active;
        }, cancellationToken);

        var (entity, table, quote) = BulkRows<PurchasedItem>.Describe(store);
        string Column(string property) => quote(entity.FindProperty(property)!.GetColumnName());
        var sql = $"SELECT {Column(nameof(PurchasedItem.CustomerId))}, {Column(nameof(PurchasedItem.PurchasedAt))}, {Column(nameof(PurchasedItem.Id))}, "
            + $"{Column(nameof(PurchasedItem.Sku))}, {Column(nameof(PurchasedItem.Name))}, {Column(nameof(PurchasedItem.Category))}, "
            + $"{Column(nameof(PurchasedItem.UnitPriceMinor))}, {Column(nameof(PurchasedItem.Currency))} FROM {table} ORDER BY {Column(nameof(PurchasedItem.Id))}";
        var customers = new List<long>();
        var times = new List<long>();
        var ids = new List<long>();
        var skuOf = new List<int>();
        var products = new List<ProductTotals>();
        var skuIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var skuLookup = skuIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var chars = new char[256];
        await store.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            using var statement = new DirectSqliteStatement((Microsoft.Data.Sqlite.SqliteConnection)store.Database.GetDbConnection(), sql);
            while (statement.Read())
            {
                if ((customers.Count & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var sku = statement.Utf8(3);
                var name = sku.Length <= chars.Length ? chars.AsSpan(0, Encoding.UTF8.GetChars(sku, chars)) : Encoding.UTF8.GetString(sku).AsSpan();
                if (!skuLookup.TryGetValue(name, out var product))
                {
                    product = products.Count;
                    var text = name.ToString();
                    skuIndex[text] = product;
                    products.Add(new ProductTotals(text));
                }
                var totals = products[product];
                totals.Name = Greatest(totals.Name, statement, 4);
                totals.Category = Greatest(totals.Category, statement, 5);
                totals.Currency = Greatest(totals.Currency, statement, 7);
                totals.PriceSum += statement.Int64(6);
                totals.Rows++;
                var time = statement.Utf8(1);
                times.Add(ChurnPurchases.SqliteTicks(time) ?? DateTime.Parse(Encoding.UTF8.GetString(time), CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks);
                customers.Add(statement.Int64(0));
                ids.Add(statement.Int64(2));
                skuOf.Add(product);
            }
        }
        finally
        {
            await store.Database.CloseConnectionAsync();
        }

        var active = await activeRead;
        // By customer (a counting sort of the ids), then each customer's rows by time and id: the order the query reads.
        var (keys, order) = ChurnPurchases.GroupByCustomer(CollectionsMarshal.AsSpan(customers));
        var timeOf = CollectionsMarshal.AsSpan(times);
        var idOf = CollectionsMarshal.AsSpan(ids);
        var histories = new List<PurchaseHistory>();
        var lastCustomerOf = new int[products.Count];
        Array.Fill(lastCustomerOf, -1);
        for (int start = 0, run = 0; start < order.Length; run++)
        {
            var end = start + 1;
            while (end < order.Length && keys[end] == keys[start]) end++;
            var rows = order.AsSpan(start, end - start);
            for (var i = 1; i < rows.Length; i++)
            {
                var row = rows[i];
                var j = i - 1;
                for (; j >= 0 && (timeOf[rows[j]] > timeOf[row] || timeOf[rows[j]] == timeOf[row] && idOf[rows[j]] > idOf[row]); j--) rows[j + 1] = rows[j];
                rows[j + 1] = row;
            }
            var items = new List<string>(rows.Length);
            foreach (var row in rows)
            {
                var product = skuOf[row];
                items.Add(products[product].Sku);
                // Customers per product count every profile, as the catalogue's query does.
                if (lastCustomerOf[product] != run)
                {
                    lastCustomerOf[product] = run;
                    products[product].Customers++;
                }
            }
            if (active.Contains(keys[start])) histories.Add(new PurchaseHistory(Key(keys[start]), items));
            start = end;
        }
        var catalogue = products.ToDictionary(p => p.Sku, p => new CatalogueProduct(p.Sku, Text(p.Name), Text(p.Category),
            (long)Math.Round((double)p.PriceSum / p.Rows), Text(p.Currency), p.Customers), StringComparer.Ordinal);
        return (histories, catalogue);

        static string? Text(byte[]? utf8) => utf8 is null ? null : Encoding.UTF8.GetString(utf8);
    }

    /// <summary>The greater of the kept value and the row's column by their UTF-8 bytes (SQLite's MAX on text); NULL never wins.</summary>
    private static byte[]? Greatest(byte[]? kept, DirectSqliteStatement statement, int column)
    {
        if (statement.IsNull(column)) return kept;
        var value = statement.Utf8(column);
        return kept is not null && value.SequenceCompareTo(kept) <= 0 ? kept : value.ToArray();
    }

    private sealed class ProductTotals(string sku)
    {
        public string Sku { get; } = sku;
        public byte[]? Name { get; set; }
        public byte[]? Category { get; set; }
        public byte[]? Currency { get; set; }
        public long PriceSum { get; set; }
        public long Rows { get; set; }
        public int Customers { get; set; }
    }

    public static string Key(long customerId) => customerId.ToString(CultureInfo.InvariantCulture);

    public static long Id(string key) => long.Parse(key, CultureInfo.InvariantCulture);
}
