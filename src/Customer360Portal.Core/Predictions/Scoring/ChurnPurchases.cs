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
/// sorted by customer, and then each customer's purchases handed to <see cref="ChurnFeatureBuilder.Features"/> (the
/// same features the command line builds, labelled by <see cref="ChurnFeatureBuilder.Build"/>'s rule) on every core. Memory: 24 bytes per order plus one feature row per customer.
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
            var sqlite = store.Database.IsSqlite();
            while (reader.Read())
            {
                var customer = reader.GetInt64(0);
                if (active.Contains(customer))
                    orders.Add(customer, sqlite ? SqliteTicks(reader.GetString(1)) ?? reader.GetDateTime(1).Ticks : reader.GetDateTime(1).Ticks,
                        reader.IsDBNull(2) ? 0 : reader.GetInt64(2));
                if (++rows % 65_536 == 0) cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await store.Database.CloseConnectionAsync();
        }
        return orders;
    }

    /// <summary>
    /// Ticks of a timestamp as EF Core writes it to SQLite ("yyyy-MM-dd HH:mm:ss" and an optional ".fffffff"), read
    /// without the general date parser (the costliest part of reading millions of orders); null for any other shape.
    /// </summary>
    internal static long? SqliteTicks(string text)
    {
        var s = text.AsSpan();
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || s[10] is not (' ' or 'T') || s[13] != ':' || s[16] != ':') return null;
        if (!Digits(s[..4], out var year) || !Digits(s[5..7], out var month) || !Digits(s[8..10], out var day) || !Digits(s[11..13], out var hour)
            || !Digits(s[14..16], out var minute) || !Digits(s[17..19], out var second)
            || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year < 1 ? 1 : year, month) || hour > 23 || minute > 59 || second > 59 || year < 1)
            return null;
        var ticks = new DateTime(year, month, day, hour, minute, second).Ticks;
        if (s.Length == 19) return ticks;
        var fraction = s[20..];
        if (s[19] != '.' || fraction.Length is 0 or > 7 || !Digits(fraction, out var digits)) return null;
        for (var i = fraction.Length; i < 7; i++) digits *= 10;
        return ticks + digits;
    }

    private static bool Digits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static List<ChurnFeatureRow> Build(Orders orders, DateTime cutoff, ChurnDefinition definition, CancellationToken cancellationToken)
    {
        var horizonEnd = cutoff.AddDays(definition.HorizonDays);
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
            var before = new List<PurchaseEvent>();
            for (var c = from; c < to; c++)
            {
                // ChurnFeatureBuilder.Build's rule for one customer, without its per-call dictionaries: features from the
                // purchases before the cut-off, churned when none falls in [cut-off, cut-off + horizon].
                before.Clear();
                var activeAfter = false;
                var key = CustomerKey(byCustomer[starts[c]]);
                for (var s = starts[c]; s < starts[c + 1]; s++)
                {
                    var o = position[s];
                    if (orders.Ticks[o] < cutoff.Ticks)
                        before.Add(new PurchaseEvent(key, new DateTime(orders.Ticks[o], DateTimeKind.Utc), orders.Amounts[o] / 100m));
                    else if (orders.Ticks[o] <= horizonEnd.Ticks)
                        activeAfter = true;
                }
                if (before.Count > 0) rows.Add(new ChurnFeatureRow(key, ChurnFeatureBuilder.Features(before, cutoff), !activeAfter));
            }
            built[part] = rows;
        });
        var all = new List<ChurnFeatureRow>(built.Sum(b => b.Count));
        foreach (var part in built) all.AddRange(part);
        return all;
    }
}
