using System.Globalization;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Customer360Portal.Core.Tests.Predictions.Scoring;

/// <summary>The set-based feature reader against the one-customer-at-a-time reference reader, on a real store.</summary>
public sealed class ChurnPurchasesTests
{
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime;

    private static readonly string[] Types =
    [
        "order.placed", "order.placed", "order.placed", "order.returned", "ticket.opened", "ticket.updated", "ticket.solved", "ticket.closed",
        "email.sent", "email.sent", "email.opened", "email.clicked", "page.viewed", "screen.viewed", "track:Added To Cart", "login", "note", "Order.placed", "TICKET.opened",
    ];

    /// <summary>
    /// Mixed timelines written in random order (ids do not follow time): every type the features read plus others,
    /// tickets sharing references with several states at the same instant, ratings, amounts or none, sub-second and
    /// identical times; traits and email-consent changes (some at the same instant); active, merged and restricted profiles.
    /// </summary>
    private static async Task SeedAsync(TestProfileStore test)
    {
        var random = new Random(17);
        await using var store = await test.Stores.CreateDbContextAsync();
        var people = Enumerable.Range(0, 90).Select(i => new Customer
        {
            Status = i % 10 == 9 ? CustomerStatus.Restricted : i % 10 == 8 ? CustomerStatus.Merged : CustomerStatus.Active,
            CreatedAt = Now, UpdatedAt = Now, OrderCount = 1,
        }).ToList();
        store.Customers.AddRange(people);
        await store.SaveChangesAsync();
        var interactions = new List<Interaction>();
        foreach (var person in people)
        {
            for (var n = random.Next(40); n >= 0; n--)
            {
                var type = Types[random.Next(Types.Length)];
                // Whole days half the time, so several events (and ticket states) share one instant.
                var at = Now.AddDays(-random.Next(500));
                if (random.Next(2) == 0) at = at.AddMilliseconds(random.Next(86_400_000)).AddTicks(random.Next(10_000));
                var ticket = type.StartsWith("ticket.", StringComparison.OrdinalIgnoreCase);
                int? satisfaction = ticket && random.Next(2) == 0 ? 1 + random.Next(5) : null;
                interactions.Add(new Interaction
                {
                    CustomerId = person.Id, SourceKey = "test", Type = type, OccurredAt = at, Summary = type,
                    AmountMinor = type.StartsWith("order.", StringComparison.Ordinal) && random.Next(5) > 0 ? 100 + random.Next(20_000) : null,
                    Reference = ticket ? (random.Next(4) == 0 ? null : $"T{random.Next(3)}") : random.Next(3) == 0 ? $"R{random.Next(9)}" : null,
                    DetailJson = satisfaction is null ? null : InteractionDetails.Write(new InteractionDetails { Satisfaction = satisfaction }),
                });
            }
            // One ticket solved and reopened at the same instant (rated differently): which state counts follows the id order.
            if (random.Next(2) == 0)
            {
                var instant = Now.AddDays(-100 - random.Next(300));
                interactions.AddRange(new[] { "ticket.solved", "ticket.opened" }.Select(state => new Interaction
                {
                    CustomerId = person.Id, SourceKey = "test", Type = state, OccurredAt = instant, Summary = state, Reference = "TT",
                    DetailJson = InteractionDetails.Write(new InteractionDetails { Satisfaction = 1 + random.Next(5) }),
                }));
            }
            // A cancellation for some (the subscription rule's event), at any time.
            if (random.Next(6) == 0)
                interactions.Add(new Interaction
                {
                    CustomerId = person.Id, SourceKey = "test", Type = "subscription.cancelled", OccurredAt = Now.AddDays(-random.Next(500)), Summary = "Cancelled",
                });
            if (random.Next(3) > 0)
                store.Traits.Add(new CustomerTrait
                {
                    CustomerId = person.Id, Key = "plan", Value = random.Next(2) == 0 ? "basic" : "Premium ", SourceKey = "test", UpdatedAt = Now.AddDays(-random.Next(400)),
                });
            if (random.Next(2) == 0)
                store.Traits.Add(new CustomerTrait
                {
                    CustomerId = person.Id, Key = "score", Value = (random.NextDouble() * 10).ToString("0.00", CultureInfo.InvariantCulture), SourceKey = "test",
                    UpdatedAt = Now.AddDays(-random.Next(400)),
                });
            if (random.Next(8) == 0)
                store.Traits.Add(new CustomerTrait { CustomerId = person.Id, Key = "status", Value = "cancelled", SourceKey = "test", UpdatedAt = Now.AddDays(-random.Next(400)) });
            var consentDay = Now.AddDays(-random.Next(500));
            for (var n = random.Next(4); n > 0; n--)
                store.ConsentEvents.Add(new ConsentEvent
                {
                    CustomerId = person.Id, Purpose = random.Next(5) == 0 ? ConsentPurpose.Personalisation : ConsentPurpose.EmailMarketing,
                    Status = random.Next(2) == 0 ? ConsentStatus.Granted : ConsentStatus.Withdrawn, LawfulBasis = LawfulBasis.Consent, SourceKey = "test",
                    EffectiveAt = random.Next(2) == 0 ? consentDay : consentDay.AddDays(random.Next(200)), RecordedAt = Now,
                });
        }
        store.Interactions.AddRange(interactions.OrderBy(_ => random.Next()));
        await store.SaveChangesAsync();
    }

    public static TheoryData<string> Rules => ["inactivity", "cancellation"];

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task FeatureRows_MixedInteractions_SameRowsAsTheOneByOneReader(string ruleKind)
    {
        await using var test = await CoreHost.CreateAsync(b => b.AddPredictions(runInBackground: false));
        await SeedAsync(test);
        var rule = ruleKind == "inactivity"
            ? ChurnRule.Inactivity(90, ChurnRule.OrderPlaced, "login")
            : ChurnRule.Cancellation(90, eventType: "subscription.cancelled", traitKey: "status", traitValue: "Cancelled");
        var layout = ChurnFeatureLayout.WithTraits(["trait:plan=basic", "trait:plan=premium", "trait:score"]);
        DateTime[] cutoffs = [Now.AddDays(-90), Now.AddDays(-180)];

        List<ChurnFeatureRow>[] fast, reference;
        var reported = new List<long>();
        await using (var store = await test.Stores.CreateDbContextAsync())
            fast = await ChurnPurchases.FeatureRowsAsync(store, cutoffs, rule, layout, reported.Add, CancellationToken.None);
        await using (var store = await test.Stores.CreateDbContextAsync())
            reference = await ChurnPurchases.FeatureRowsOneByOneAsync(store, cutoffs, rule, layout, CancellationToken.None);

        for (var c = 0; c < cutoffs.Length; c++)
        {
            Assert.True(reference[c].Count > 30, $"{reference[c].Count} rows at cut-off {c}");
            Assert.Equal(reference[c].Select(r => r.CustomerId), fast[c].Select(r => r.CustomerId));
            Assert.Equal(reference[c].Select(r => r.Churned), fast[c].Select(r => r.Churned));
            Assert.Equal(reference[c].Select(Features), fast[c].Select(Features));
        }
        Assert.Contains(fast[0], r => r.Churned);
        Assert.Contains(fast[0], r => !r.Churned);
        Assert.NotEmpty(reported);
    }

    [Fact]
    public async Task FeatureRows_ReadOnSeveralConnectionsAtOnce_SameRowsAsOneReader()
    {
        await using var test = await CoreHost.CreateAsync(b => b.AddPredictions(runInBackground: false));
        await SeedAsync(test);
        var rule = ChurnRule.Inactivity(90, ChurnRule.OrderPlaced, "login");
        var layout = ChurnFeatureLayout.WithTraits(["trait:plan=basic", "trait:score"]);
        DateTime[] cutoffs = [Now.AddDays(-90)];

        List<ChurnFeatureRow>[] one, three;
        await using (var store = await test.Stores.CreateDbContextAsync())
            one = await ChurnPurchases.FeatureRowsAsync(store, cutoffs, rule, layout, null, CancellationToken.None, readers: 1);
        await using (var store = await test.Stores.CreateDbContextAsync())
            three = await ChurnPurchases.FeatureRowsAsync(store, cutoffs, rule, layout, null, CancellationToken.None, readers: 3);

        Assert.True(one[0].Count > 30, $"{one[0].Count} rows");
        Assert.Equal(one[0].Select(r => r.CustomerId), three[0].Select(r => r.CustomerId));
        Assert.Equal(one[0].Select(r => r.Churned), three[0].Select(r => r.Churned));
        Assert.Equal(one[0].Select(Features), three[0].Select(Features));
    }

    [Fact]
    public async Task FeatureRows_ReadThroughSqlitePclDirectly_SameRowsAsTheAdoNetReader()
    {
        await using var test = await CoreHost.CreateAsync(b => b.AddPredictions(runInBackground: false));
        await SeedAsync(test);
        var rule = ChurnRule.Inactivity(90, ChurnRule.OrderPlaced, "login");
        var layout = ChurnFeatureLayout.WithTraits(["trait:plan=basic", "trait:score"]);
        DateTime[] cutoffs = [Now.AddDays(-90), Now.AddDays(-30)];

        List<ChurnFeatureRow>[] direct, ado;
        await using (var store = await test.Stores.CreateDbContextAsync())
            direct = await ChurnPurchases.FeatureRowsAsync(store, cutoffs, rule, layout, null, CancellationToken.None, direct: true);
        await using (var store = await test.Stores.CreateDbContextAsync())
            ado = await ChurnPurchases.FeatureRowsAsync(store, cutoffs, rule, layout, null, CancellationToken.None, direct: false);

        for (var c = 0; c < cutoffs.Length; c++)
        {
            Assert.True(direct[c].Count > 30, $"{direct[c].Count} rows");
            Assert.Equal(ado[c].Select(Features), direct[c].Select(Features));
            Assert.Equal(ado[c].Select(r => r.Churned), direct[c].Select(r => r.Churned));
        }
    }

    [Theory]
    [InlineData(1_000L)]
    [InlineData(1_000_000_000_000L)]
    public void GroupByCustomer_DenseOrSparseIds_CustomersAscendingReadOrderWithinOne(long idSpread)
    {
        var random = new Random(7);
        var events = new ChurnPurchases.Events();
        for (var i = 0; i < 5_000; i++) events.Add(1 + random.NextInt64(idSpread), i, 0, 0, -1);

        var (customers, positions) = ChurnPurchases.GroupByCustomer(events);

        var expected = Enumerable.Range(0, events.Count).OrderBy(i => events.Customers[i]).ThenBy(i => i).ToList();
        Assert.Equal(expected, positions);
        Assert.Equal(expected.Select(i => events.Customers[i]), customers);
    }

    private static string Features(ChurnFeatureRow row) =>
        row.CustomerId + ": " + string.Join(",", row.Features.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void EventsSql_SqlServer_ParsesAsTSql(int ruleTypes)
    {
        // No SQL Server runs here, and nothing opens a connection: the scan's text is at least proven to parse.
        using var store = new SqlServerProfileStore(new DbContextOptionsBuilder<SqlServerProfileStore>()
            .UseSqlServer("Server=unused;Database=Customer360Portal;Integrated Security=false;Encrypt=true")
            .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);
        var sql = ChurnPurchases.EventsSql(store, ruleTypes);

        new TSql170Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")));
        Assert.Contains("[Interactions]", sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-30 06:41:53")]
    [InlineData("2026-11-30 06:41:53.5")]
    [InlineData("2024-02-29 23:59:59.1234567")]
    [InlineData("0001-01-01 00:00:00")]
    public void SqliteTicks_EfCoreTimestamps_ReadAsTheGeneralParserReadsThem(string text)
    {
        Assert.Equal(DateTime.Parse(text, CultureInfo.InvariantCulture).Ticks, ChurnPurchases.SqliteTicks(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("2026-11-30")]
    [InlineData("2026-13-30 06:41:53")]
    [InlineData("2023-02-29 06:41:53")]
    [InlineData("2026-11-30 06:41:53.12345678")]
    [InlineData("2026-11-30 06:41:53+01:00")]
    [InlineData("30/11/2026 06:41:53")]
    public void SqliteTicks_OtherShapes_LeftToTheGeneralParser(string text)
    {
        Assert.Null(ChurnPurchases.SqliteTicks(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
