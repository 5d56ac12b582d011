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
            DirectSqliteStatement.ForEachRow(store, recent.Select(i => i.CustomerId),
                row => CollectionsMarshal.GetValueRefOrAddDefault(counts, row.Int64(0), out _)++, cancellationToken);
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
            DirectSqliteStatement.ForEachRow(other, other.Customers.Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id),
                row => active.Add(row.Int64(0)), cancellationToken);
            return active;
        }, cancellationToken);

        // Two halves of the id range, each scanned on its own connection and core, then put together in id order.
        var (entity, table, quote) = BulkRows<PurchasedItem>.Describe(store);
        string Column(string property) => quote(entity.FindProperty(property)!.GetColumnName());
        var id = Column(nameof(PurchasedItem.Id));
        var sql = $"SELECT {Column(nameof(PurchasedItem.CustomerId))}, {Column(nameof(PurchasedItem.PurchasedAt))}, {id}, "
            + $"{Column(nameof(PurchasedItem.Sku))}, {Column(nameof(PurchasedItem.Name))}, {Column(nameof(PurchasedItem.Category))}, "
            + $"{Column(nameof(PurchasedItem.UnitPriceMinor))}, {Column(nameof(PurchasedItem.Currency))} FROM {table} WHERE {id} >= @from AND {id} < @to ORDER BY {id}";
        long low = 0, high = -1;
        await store.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            using var range = new DirectSqliteStatement((Microsoft.Data.Sqlite.SqliteConnection)store.Database.GetDbConnection(), $"SELECT MIN({id}), MAX({id}) FROM {table}");
            if (range.Read() && !range.IsNull(0)) (low, high) = (range.Int64(0), range.Int64(1));
        }
        finally
        {
            await store.Database.CloseConnectionAsync();
        }
        var middle = low + (high - low + 1) / 2;
        var halves = await Task.WhenAll(
            Task.Run(() => ScanPartAsync(stores, sql, low, middle, cancellationToken), cancellationToken),
            Task.Run(() => ScanPartAsync(stores, sql, middle, high + 1, cancellationToken), cancellationToken));
        var part = halves[0].Append(halves[1]);
        var (customers, times, ids, skuOf, products) = (part.Customers, part.Times, part.Ids, part.SkuOf, part.Products);

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

    /// <summary>The order lines of one id range, read in id order, with the products they name (indexes into <see cref="Products"/>).</summary>
    private sealed class ScanPart
    {
        public readonly List<long> Customers = [];
        public readonly List<long> Times = [];
        public readonly List<long> Ids = [];
        public readonly List<int> SkuOf = [];
        public readonly List<ProductTotals> Products = [];
        public readonly Dictionary<string, int> SkuIndex = new(StringComparer.Ordinal);

        /// <summary>This part followed by <paramref name="next"/> (the later ids): its products mapped onto this part's, their totals combined.</summary>
        public ScanPart Append(ScanPart next)
        {
            var mapped = new int[next.Products.Count];
            for (var p = 0; p < mapped.Length; p++)
            {
                var product = next.Products[p];
                if (!SkuIndex.TryGetValue(product.Sku, out mapped[p]))
                {
                    mapped[p] = Products.Count;
                    SkuIndex[product.Sku] = mapped[p];
                    Products.Add(new ProductTotals(product.Sku));
                }
                var totals = Products[mapped[p]];
                totals.Name = Greater(totals.Name, product.Name);
                totals.Category = Greater(totals.Category, product.Category);
                totals.Currency = Greater(totals.Currency, product.Currency);
                totals.PriceSum += product.PriceSum;
                totals.Rows += product.Rows;
            }
            Customers.AddRange(next.Customers);
            Times.AddRange(next.Times);
            Ids.AddRange(next.Ids);
            foreach (var product in next.SkuOf) SkuOf.Add(mapped[product]);
            return this;
        }

        private static byte[]? Greater(byte[]? kept, byte[]? other) =>
            other is null || kept is not null && other.AsSpan().SequenceCompareTo(kept) <= 0 ? kept : other;
    }

    private static async Task<ScanPart> ScanPartAsync(IDbContextFactory<ProfileStore> stores, string sql, long from, long to, CancellationToken cancellationToken)
    {
        var part = new ScanPart();
        var skuLookup = part.SkuIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var chars = new char[256];
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        using (var connection = SqliteReadConnection.Open(store))
        {
            using var statement = new DirectSqliteStatement(connection, sql);
            statement.Bind("@from", from);
            statement.Bind("@to", to);
            while (statement.Read())
            {
                if ((part.Customers.Count & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var sku = statement.Utf8(3);
                var name = sku.Length <= chars.Length ? chars.AsSpan(0, Encoding.UTF8.GetChars(sku, chars)) : Encoding.UTF8.GetString(sku).AsSpan();
                if (!skuLookup.TryGetValue(name, out var product))
                {
                    product = part.Products.Count;
                    var text = name.ToString();
                    part.SkuIndex[text] = product;
                    part.Products.Add(new ProductTotals(text));
                }
                var totals = part.Products[product];
                totals.Name = Greatest(totals.Name, statement, 4);
                totals.Category = Greatest(totals.Category, statement, 5);
                totals.Currency = Greatest(totals.Currency, statement, 7);
                totals.PriceSum += statement.Int64(6);
                totals.Rows++;
                var time = statement.Utf8(1);
                part.Times.Add(ChurnPurchases.SqliteTicks(time) ?? DateTime.Parse(Encoding.UTF8.GetString(time), CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks);
                part.Customers.Add(statement.Int64(0));
                part.Ids.Add(statement.Int64(2));
                part.SkuOf.Add(product);
            }
        }
        return part;
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
