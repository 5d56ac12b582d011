using System.Globalization;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>What <see cref="SyntheticPurchases"/> wrote.</summary>
internal sealed record PurchaseStoreReport(int Customers, int Restricted, long Orders, long OtherInteractions, int PersonalisationGranted,
    int PersonalisationWithdrawn, long OldScores, int Stopped);

/// <summary>
/// A store of customers with purchase histories that carry a churn signal, for <c>c360 bench predict</c>. Each
/// customer joined somewhere in the two years before <c>now</c> (more of them long ago), buys about every
/// <i>g</i> days (log-normal around 45, each gap jittered) at a personal price level, and stops for good after a
/// lifetime drawn from an exponential distribution (mean 800 days); in the four months before stopping the gaps
/// double, as interest fades. Besides orders, about six page views and emails each (rows the feature read must skip).
/// Personalisation consent: 90% granted, 4% withdrawn, the rest no record; 0.5% of profiles restricted; 80% hold an
/// old churn score, which scoring must replace (or remove). Written straight into the tables through the project's
/// prepared multi-row inserts (<see cref="BulkRows{T}"/>), a block of customers per transaction, each block's
/// interactions in time order so one customer's rows are spread over the table as after months of intake.
/// </summary>
internal static class SyntheticPurchases
{
    private const int CustomersPerBlock = 20_000;
    private const double HistoryDays = 730;
    private const double MeanLifetimeDays = 800;
    private static readonly string[] Pages = ["/", "/products", "/sale", "/account", "/help/delivery", "/cart"];

    public static async Task<PurchaseStoreReport> FillAsync(IDbContextFactory<ProfileStore> stores, int customers, int seed, DateTime now,
        CancellationToken cancellationToken)
    {
        var rng = new Random(seed ^ 0x0c4a);
        int restricted = 0, granted = 0, withdrawn = 0, stopped = 0;
        long orders = 0, others = 0, oldScores = 0, orderNumber = 20_000_000;
        for (var first = 1; first <= customers; first += CustomersPerBlock)
        {
            var last = Math.Min(customers, first + CustomersPerBlock - 1);
            var people = new List<Customer>(last - first + 1);
            var rows = new List<Interaction>();
            var states = new List<ConsentState>();
            var scores = new List<CustomerScore>();
            for (long id = first; id <= last; id++)
            {
                var since = now.AddDays(-HistoryDays * Math.Sqrt(rng.NextDouble()));
                var status = rng.NextDouble() < 0.005 ? CustomerStatus.Restricted : CustomerStatus.Active;
                if (status == CustomerStatus.Restricted) restricted++;
                people.Add(new Customer
                {
                    Id = id, Status = status, GivenName = "Bench", FamilyName = "Customer " + id.ToString(CultureInfo.InvariantCulture),
                    CreatedAt = since, UpdatedAt = now, Version = 1, Currency = "EUR",
                });

                var gap = Math.Clamp(45 * Math.Exp(0.6 * Normal(rng)), 5, 300);
                var level = 2_000 + rng.Next(20_000);
                var stop = since.AddDays(-MeanLifetimeDays * Math.Log(1 - rng.NextDouble()));
                if (stop < now) stopped++;
                var end = stop < now ? stop : now;
                for (var at = since; at < end;)
                {
                    var number = "ORD-" + orderNumber++.ToString(CultureInfo.InvariantCulture);
                    rows.Add(Row(id, "shop", "order.placed", InteractionChannel.Web, at, "Order " + number, number,
                        (long)(level * Math.Exp(0.3 * Normal(rng)))));
                    orders++;
                    var fading = (stop - at).TotalDays < 120 ? 2 : 1;
                    at = at.AddDays(gap * fading * (0.5 + rng.NextDouble()));
                }
                var noise = rng.Next(13);
                for (var n = 0; n < noise; n++)
                {
                    var at = since + (now - since) * rng.NextDouble();
                    rows.Add(rng.Next(2) == 0
                        ? Row(id, "web", "page.viewed", InteractionChannel.Web, at, "Viewed " + Pages[rng.Next(Pages.Length)])
                        : Row(id, "email", "email.sent", InteractionChannel.Email, at, "Email sent: Winter sale", "CMP-101"));
                }
                others += noise;

                var consent = rng.NextDouble();
                if (consent < 0.94)
                {
                    var state = consent < 0.90 ? ConsentStatus.Granted : ConsentStatus.Withdrawn;
                    if (state == ConsentStatus.Granted) granted++; else withdrawn++;
                    states.Add(new ConsentState
                    {
                        CustomerId = id, Purpose = ConsentPurpose.Personalisation, Status = state, LawfulBasis = LawfulBasis.Consent,
                        UpdatedAt = since, LastEventId = id,
                    });
                }
                if (rng.NextDouble() < 0.8)
                {
                    scores.Add(new CustomerScore
                    {
                        CustomerId = id, OriginCustomerId = id, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-0", Value = 0.5, Label = "medium",
                        ReasonsJson = """["no purchase for 40 days, usually every 30 days raises the risk"]""", ScoredAt = now.AddDays(-1),
                    });
                    oldScores++;
                }
            }
            rows.Sort((a, b) => a.OccurredAt.CompareTo(b.OccurredAt));

            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            await store.Database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            var dbTransaction = transaction.GetDbTransaction();
            await using (var bulk = BulkRows<Customer>.InsertMany(store, dbTransaction, explicitKeys: true))
                foreach (var row in people) bulk.Write(row);
            await using (var bulk = BulkRows<Interaction>.InsertMany(store, dbTransaction))
                foreach (var row in rows) bulk.Write(row);
            await using (var bulk = BulkRows<ConsentState>.InsertMany(store, dbTransaction))
                foreach (var row in states) bulk.Write(row);
            await using (var bulk = BulkRows<CustomerScore>.InsertMany(store, dbTransaction))
                foreach (var row in scores) bulk.Write(row);
            await transaction.CommitAsync(cancellationToken);
        }
        return new PurchaseStoreReport(customers, restricted, orders, others, granted, withdrawn, oldScores, stopped);
    }

    private static Interaction Row(long customerId, string source, string type, InteractionChannel channel, DateTime at, string summary,
        string? reference = null, long? amountMinor = null) => new()
    {
        CustomerId = customerId, SourceKey = source, Type = type, Channel = channel, JourneyStage = Journey.StageOf(type), OccurredAt = at,
        Summary = summary, Reference = reference, AmountMinor = amountMinor, Currency = amountMinor is null ? null : "EUR",
    };

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
