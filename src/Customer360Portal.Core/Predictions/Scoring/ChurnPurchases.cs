using System.Globalization;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>
/// The store's purchases ("order.placed" interactions of active profiles) as churn feature rows, read set-based: one
/// plain SQL pass over the interactions reading only customer, time and amount (a table scan in storage order, not
/// an index walk that would fetch every row at random), kept as three parallel arrays of numbers rather than objects,
/// sorted by customer, and then each customer's purchases handed to <see cref="ChurnFeatureBuilder.Build"/> (the
/// same builder the command line uses) on every core. Memory: 24 bytes per order plus one feature row per customer.
/// Rows come out in ascending customer id order, so a training split is the same whichever way the store was filled.
/// </summary>
internal static class ChurnPurchases
{
    public const string OrderPlaced = "order.placed";

    public static async Task<List<ChurnFeatureRow>> FeatureRowsAsync(ProfileStore store, DateTime cutoff, int horizonDays,
        CancellationToken cancellationToken)
    {
        Orders orders;
        using (PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.FeatureRead))
            orders = await ReadAsync(store, cancellationToken);
        using (PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.FeatureBuild))
            return Build(orders, cutoff, ChurnDefinition.ByInactivity(horizonDays), cancellationToken);
    }

    public static string CustomerKey(long customerId) => customerId.ToString(CultureInfo.InvariantCulture);

    public static long CustomerId(string key) => long.Parse(key, CultureInfo.InvariantCulture);

    /// <summary>Every order of an active profile, unsorted: customer, UTC ticks, amount in minor units.</summary>
    private sealed class Orders
    {
        public long[] Customers = new long[1 << 16];
        public long[] Ticks = new long[1 << 16];
        public long[] Amounts = new long[1 << 16];
        public int Count;

        public void Add(long customer, long ticks, long amount)
        {
            if (Count == Customers.Length)
            {
                Array.Resize(ref Customers, Count * 2);
                Array.Resize(ref Ticks, Count * 2);
                Array.Resize(ref Amounts, Count * 2);
            }
            (Customers[Count], Ticks[Count], Amounts[Count]) = (customer, ticks, amount);
            Count++;
        }
    }

    private static async Task<Orders> ReadAsync(ProfileStore store, CancellationToken cancellationToken)
    {
        // Active profiles first (one narrow pass): orders of merged, restricted or erased profiles are skipped in memory,
        // which costs far less than a per-order lookup of the profile in SQL.
        var active = new HashSet<long>();
        await foreach (var id in store.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id)
            .AsAsyncEnumerable().WithCancellation(cancellationToken))
            active.Add(id);

        var (entity, table, quote) = BulkRows<Interaction>.Describe(store);
        string Column(string property) => quote(entity.FindProperty(property)!.GetColumnName());
        var orders = new Orders();
        await store.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = store.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT {Column(nameof(Interaction.CustomerId))}, {Column(nameof(Interaction.OccurredAt))}, " +
                $"{Column(nameof(Interaction.AmountMinor))} FROM {table} WHERE {Column(nameof(Interaction.Type))} = @type";
            var type = command.CreateParameter();
            type.ParameterName = "@type";
            type.Value = OrderPlaced;
            command.Parameters.Add(type);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            // Synchronous reads inside: SQLite has no async I/O, and a task per row would cost more than the row.
            var rows = 0;
            while (reader.Read())
            {
                var customer = reader.GetInt64(0);
                if (active.Contains(customer))
                    orders.Add(customer, reader.GetDateTime(1).Ticks, reader.IsDBNull(2) ? 0 : reader.GetInt64(2));
                if (++rows % 65_536 == 0) cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await store.Database.CloseConnectionAsync();
        }
        return orders;
    }

    private static List<ChurnFeatureRow> Build(Orders orders, DateTime cutoff, ChurnDefinition definition, CancellationToken cancellationToken)
    {
        // Sort order positions by customer (a primitive-key sort), then cut the sorted positions into customers.
        var byCustomer = new long[orders.Count];
        Array.Copy(orders.Customers, byCustomer, orders.Count);
        var position = new int[orders.Count];
        for (var i = 0; i < position.Length; i++) position[i] = i;
        Array.Sort(byCustomer, position);
        var starts = new List<int>();
        for (var i = 0; i < byCustomer.Length; i++)
            if (i == 0 || byCustomer[i] != byCustomer[i - 1]) starts.Add(i);
        starts.Add(byCustomer.Length);

        // Customers are independent: build in ranges on every core, keep the ranges in customer order.
        var customers = starts.Count - 1;
        var parts = Math.Max(1, Math.Min(Environment.ProcessorCount * 4, customers / 1_000));
        var built = new List<ChurnFeatureRow>[parts];
        Parallel.For(0, parts, new ParallelOptions { CancellationToken = cancellationToken }, part =>
        {
            var (from, to) = ((int)((long)customers * part / parts), (int)((long)customers * (part + 1) / parts));
            var rows = new List<ChurnFeatureRow>(to - from);
            var history = new List<PurchaseEvent>();
            for (var c = from; c < to; c++)
            {
                history.Clear();
                var key = CustomerKey(byCustomer[starts[c]]);
                for (var s = starts[c]; s < starts[c + 1]; s++)
                {
                    var o = position[s];
                    history.Add(new PurchaseEvent(key, new DateTime(orders.Ticks[o], DateTimeKind.Utc), orders.Amounts[o] / 100m));
                }
                rows.AddRange(ChurnFeatureBuilder.Build(history, cutoff, definition));
            }
            built[part] = rows;
        });
        var all = new List<ChurnFeatureRow>(built.Sum(b => b.Count));
        foreach (var part in built) all.AddRange(part);
        return all;
    }
}
