using System.Globalization;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Customer360Portal.Cli.Benchmarks;

/// <summary>What was added to the store beyond the golden records, and the customers with the longest timelines.</summary>
internal sealed record ActivityReport(long Interactions, long ConsentEvents, long Scores, long Notes, IReadOnlyList<long> Heavy, int MaxPerProfile);

/// <summary>
/// What a profile page shows beyond the golden record, for profiles that came in as bare contacts: about
/// <c>perProfile</c> interactions each on average over the two years before <c>now</c> (web and app views, email sends,
/// opens and clicks, orders with amounts, tickets with their resolution and rating, calls), consent events with their
/// current state, churn and next-best-offer scores, and a few agent notes. Written straight into the tables through the
/// project's prepared multi-row inserts (<see cref="BulkRows{T}"/>), a block of customers per transaction, each block's
/// rows in time order so one customer's rows are spread over the table as they would be after months of intake.
/// Per-customer counts are skewed: exponential for most, and about one customer in a thousand with 1,000 to 3,000
/// entries (the "heavy" timelines the page must still open fast).
/// </summary>
internal static class SyntheticActivity
{
    public const int HeavyMinimum = 1_000;
    private const int HeavyMaximum = 3_000;
    private const int CustomersPerBlock = 20_000;
    private static readonly TimeSpan History = TimeSpan.FromDays(730);

    private static readonly string[] Products =
    [
        "coffee machine", "espresso cups", "milk frother", "coffee grinder", "descaler", "travel mug", "kettle", "tea sampler",
        "filter papers", "cold brew jug", "barista course", "coffee beans subscription",
    ];
    /// <summary>The product category of each product, carried by product events and orders (segment behaviour rules).</summary>
    public static string CategoryOf(string product) => product switch
    {
        "coffee machine" or "milk frother" or "coffee grinder" or "kettle" => "Machines",
        "espresso cups" or "travel mug" or "cold brew jug" => "Tableware",
        "descaler" or "filter papers" => "Care",
        "barista course" => "Courses",
        _ => "Coffee and tea",
    };

    private static readonly string[] Pages = ["/", "/products", "/products/coffee-machines", "/sale", "/account", "/help/delivery", "/cart", "/blog/brewing"];
    private static readonly string[] Campaigns = ["Winter sale", "New arrivals", "Your coffee, your way", "Loyalty bonus", "Back in stock", "Brewing tips"];
    private static readonly string[] TicketTopics = ["Delivery late", "Damaged parcel", "Refund request", "Machine leaking", "Wrong item", "Invoice copy"];

    public static async Task<ActivityReport> AddAsync(IDbContextFactory<ProfileStore> stores, IReadOnlyList<long> customerIds, double perProfile, int seed,
        DateTime now, CancellationToken cancellationToken)
    {
        var rng = new Random(seed ^ 0x5eed);
        var n = customerIds.Count;
        var total = n * perProfile;
        // About one customer in a thousand has a long history, as long as they take no more than a quarter of the rows.
        var heavyCount = Math.Max(1, n / 1_000);
        while (heavyCount > 0 && heavyCount * (HeavyMinimum + HeavyMaximum) / 2.0 > total / 4) heavyCount--;
        var heavy = customerIds.OrderBy(_ => rng.Next()).Take(heavyCount).ToHashSet();
        var mean = n == heavyCount ? 0 : Math.Max(0, total - heavyCount * (HeavyMinimum + HeavyMaximum) / 2.0) / (n - heavyCount);

        long interactions = 0, consentEvents = 0, scores = 0, notes = 0, orderNumber = 10_000_000, ticketNumber = 500_000;
        var maxPerProfile = 0;
        long nextConsentId;
        await using (var store = await stores.CreateDbContextAsync(cancellationToken))
            nextConsentId = (await store.ConsentEvents.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0) + 1;

        foreach (var block in customerIds.Order().Chunk(CustomersPerBlock))
        {
            var rows = new List<Interaction>();
            var events = new List<ConsentEvent>();
            var states = new List<ConsentState>();
            var blockScores = new List<CustomerScore>();
            var blockNotes = new List<CustomerNote>();
            foreach (var customerId in block)
            {
                var count = heavy.Contains(customerId)
                    ? HeavyMinimum + rng.Next(HeavyMaximum - HeavyMinimum + 1)
                    : (int)Math.Round(-mean * Math.Log(1 - rng.NextDouble()));
                // Long histories go back the whole two years; the rest started somewhere in them.
                var since = now - (heavy.Contains(customerId) ? History : History * Math.Sqrt(rng.NextDouble()));
                var before = rows.Count;
                while (rows.Count - before < count)
                    Interactions(customerId, since, now, rng, rows, ref orderNumber, ref ticketNumber);
                maxPerProfile = Math.Max(maxPerProfile, rows.Count - before);
                Consent(customerId, since, now, rng, events, states, ref nextConsentId);
                Scores(customerId, now, rng, blockScores);
                if (rng.NextDouble() < 0.03 || heavy.Contains(customerId)) blockNotes.Add(Note(customerId, since, now, rng));
            }
            rows.Sort((a, b) => a.OccurredAt.CompareTo(b.OccurredAt));
            events.Sort((a, b) => a.Id.CompareTo(b.Id));

            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            await store.Database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
            var dbTransaction = transaction.GetDbTransaction();
            await using (var bulk = BulkRows<Interaction>.InsertMany(store, dbTransaction))
                foreach (var row in rows) bulk.Write(row);
            await using (var bulk = BulkRows<ConsentEvent>.InsertMany(store, dbTransaction, explicitKeys: true))
                foreach (var row in events) bulk.Write(row);
            await using (var bulk = BulkRows<ConsentState>.InsertMany(store, dbTransaction))
                foreach (var row in states) bulk.Write(row);
            await using (var bulk = BulkRows<CustomerScore>.InsertMany(store, dbTransaction))
                foreach (var row in blockScores) bulk.Write(row);
            await using (var bulk = BulkRows<CustomerNote>.InsertMany(store, dbTransaction))
                foreach (var row in blockNotes) bulk.Write(row);
            await transaction.CommitAsync(cancellationToken);
            interactions += rows.Count;
            consentEvents += events.Count;
            scores += blockScores.Count;
            notes += blockNotes.Count;
        }
        return new ActivityReport(interactions, consentEvents, scores, notes, [.. heavy.Order()], maxPerProfile);
    }

    /// <summary>One visit, campaign touch, order, ticket or call: one to three rows.</summary>
    private static void Interactions(long customerId, DateTime since, DateTime now, Random rng, List<Interaction> rows, ref long orderNumber,
        ref long ticketNumber)
    {
        var at = since + (now - since) * rng.NextDouble();
        Interaction Row(string source, string type, InteractionChannel channel, DateTime occurredAt, string summary, string? reference = null,
            long? amountMinor = null, string? detailJson = null, string? category = null) => new()
        {
            CustomerId = customerId, SourceKey = source, Type = type, Channel = channel, JourneyStage = Journey.StageOf(type),
            OccurredAt = occurredAt, Summary = summary, Reference = reference, AmountMinor = amountMinor, Currency = amountMinor is null ? null : "EUR",
            DetailJson = detailJson, Category = category,
        };
        var product = Products[rng.Next(Products.Length)];
        var roll = rng.NextDouble();
        if (roll < 0.33)
            rows.Add(Row("web", "page.viewed", InteractionChannel.Web, at, $"Viewed {Pages[rng.Next(Pages.Length)]}"));
        else if (roll < 0.48)
            rows.Add(Row("web", "track:Product Viewed", rng.Next(3) == 0 ? InteractionChannel.Web : InteractionChannel.App, at, $"Viewed product: {product}", category: CategoryOf(product)));
        else if (roll < 0.52)
            rows.Add(Row("web", "track:Product Added", InteractionChannel.App, at, $"Added to cart: {product}", category: CategoryOf(product)));
        else if (roll < 0.82)
        {
            // A campaign email, often opened, sometimes clicked.
            var which = rng.Next(Campaigns.Length);
            var campaign = Campaigns[which];
            var reference = $"CMP-{which + 101}";
            rows.Add(Row("email", "email.sent", InteractionChannel.Email, at, $"Email sent: {campaign}", reference));
            if (rng.NextDouble() < 0.45)
            {
                var opened = at + TimeSpan.FromMinutes(5 + rng.Next(2_000));
                rows.Add(Row("email", "email.opened", InteractionChannel.Email, opened, $"Email opened: {campaign}", reference));
                if (rng.NextDouble() < 0.3)
                    rows.Add(Row("email", "email.clicked", InteractionChannel.Email, opened + TimeSpan.FromSeconds(20 + rng.Next(600)),
                        $"Email clicked: {campaign}", reference));
            }
        }
        else if (roll < 0.92)
        {
            var items = 1 + rng.Next(4);
            var number = $"ORD-{orderNumber++.ToString(CultureInfo.InvariantCulture)}";
            rows.Add(Row("shop", "order.placed", rng.Next(3) == 0 ? InteractionChannel.App : InteractionChannel.Web, at,
                $"Order {number}: {items} item{(items == 1 ? "" : "s")}, {product}", number, 499 + rng.Next(40_000) * (long)items, category: CategoryOf(product)));
        }
        else if (roll < 0.97)
        {
            var number = $"TCK-{ticketNumber++.ToString(CultureInfo.InvariantCulture)}";
            var topic = TicketTopics[rng.Next(TicketTopics.Length)];
            var channel = rng.Next(3) switch { 0 => InteractionChannel.Email, 1 => InteractionChannel.Chat, _ => InteractionChannel.Phone };
            rows.Add(Row("helpdesk", "ticket.opened", channel, at, $"Ticket {number} opened: {topic}", number));
            var solved = at + TimeSpan.FromHours(1 + rng.Next(96));
            if (solved < now && rng.NextDouble() < 0.85)
                rows.Add(Row("helpdesk", "ticket.solved", channel, solved, $"Ticket {number} solved: {topic}", number,
                    detailJson: rng.NextDouble() < 0.6 ? InteractionDetails.Write(new InteractionDetails { Satisfaction = 1 + rng.Next(5) }) : null));
        }
        else
            rows.Add(Row("helpdesk", rng.Next(2) == 0 ? "call.completed" : "chat.completed", rng.Next(2) == 0 ? InteractionChannel.Phone : InteractionChannel.Chat,
                at, $"Spoke about {product}"));
    }

    /// <summary>Email marketing for most, SMS and analytics for some; now and then a later withdrawal.</summary>
    private static void Consent(long customerId, DateTime since, DateTime now, Random rng, List<ConsentEvent> events, List<ConsentState> states,
        ref long nextId)
    {
        foreach (var (purpose, share) in new[] { (ConsentPurpose.EmailMarketing, 0.6), (ConsentPurpose.SmsMarketing, 0.25), (ConsentPurpose.Analytics, 0.5) })
        {
            if (rng.NextDouble() >= share) continue;
            var at = since + (now - since) * rng.NextDouble() * 0.5;
            var status = ConsentStatus.Granted;
            for (var change = 0; change < 2; change++)
            {
                events.Add(new ConsentEvent
                {
                    Id = nextId++, CustomerId = customerId, Purpose = purpose, Status = status, LawfulBasis = LawfulBasis.Consent,
                    SourceKey = change == 0 ? "web" : "email", Evidence = change == 0 ? "signup form v3" : null, EffectiveAt = at, RecordedAt = at,
                });
                if (change == 1 || rng.NextDouble() >= 0.2) break;
                at += (now - at) * rng.NextDouble();
                status = ConsentStatus.Withdrawn;
            }
            states.Add(new ConsentState
            {
                CustomerId = customerId, Purpose = purpose, Status = status, LawfulBasis = LawfulBasis.Consent, UpdatedAt = at, LastEventId = nextId - 1,
            });
        }
    }

    private static void Scores(long customerId, DateTime now, Random rng, List<CustomerScore> scores)
    {
        if (rng.NextDouble() < 0.8)
        {
            var value = rng.NextDouble();
            scores.Add(new CustomerScore
            {
                CustomerId = customerId, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-2026.11", Value = value,
                Label = value > 0.7 ? "high" : value > 0.3 ? "medium" : "low",
                ReasonsJson = """["No order in the last 90 days","Opened fewer emails than last quarter"]""", ScoredAt = now.AddDays(-rng.Next(7)),
            });
        }
        if (rng.NextDouble() < 0.4)
            scores.Add(new CustomerScore
            {
                CustomerId = customerId, Kind = ScoreKind.NextBestOffer, ModelVersion = "nbo-2026.10", Value = rng.NextDouble(),
                Label = $"offer:{Products[rng.Next(Products.Length)].Replace(' ', '-')}", ReasonsJson = """["Viewed similar products"]""",
                ScoredAt = now.AddDays(-rng.Next(14)),
            });
    }

    private static CustomerNote Note(long customerId, DateTime since, DateTime now, Random rng)
    {
        var at = since + (now - since) * rng.NextDouble();
        return new CustomerNote
        {
            CustomerId = customerId, AuthorUserId = "bench-agent", CreatedAt = at, OriginCustomerId = customerId,
            Text = "Called about a late delivery; promised a call back once the carrier confirms.",
            FollowUpDueAt = rng.Next(2) == 0 ? at.AddDays(3) : null,
        };
    }
}
