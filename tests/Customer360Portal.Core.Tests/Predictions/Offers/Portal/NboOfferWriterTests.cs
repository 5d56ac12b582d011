using System.Threading.Channels;
using Customer360Portal.Core.Predictions.Offers.Portal;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Customer360Portal.Core.Tests.Predictions.Offers.Portal;

/// <summary>
/// The offer writer replaces rows in place: every customer it is given ends with exactly their new rows (as the
/// delete-and-insert writer left them), whatever they held before, and whatever a merge moved meanwhile. Both statement
/// sets run: SQLitePCL's (direct) and the ADO.NET ones SQL Server runs.
/// </summary>
public sealed class NboOfferWriterTests
{
    // Sub-second ticks: the time is written as text by the direct statements, and must read back as EF wrote it.
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime.AddTicks(1_234_567);
    private static readonly DateTime Before = Now.AddDays(-7);

    /// <summary>What a user sees of an offer row: all but its id.</summary>
    private sealed record Stored(long CustomerId, string? Label, double Value, string? Reasons, string Version, long? Origin, DateTime ScoredAt);

    private static Stored Seen(CustomerScore s) => new(s.CustomerId, s.Label, s.Value, s.ReasonsJson, s.ModelVersion, s.OriginCustomerId, s.ScoredAt);

    private static CustomerScore Offer(long customer, string label, double value, string version = "nbo-2", long? origin = null, DateTime? at = null) => new()
    {
        CustomerId = customer, OriginCustomerId = origin ?? customer, Kind = ScoreKind.NextBestOffer, ModelVersion = version, Value = value, Label = label,
        ReasonsJson = $"[\"{label} suits them\"]", ScoredAt = at ?? Now,
    };

    private static CustomerScore OldOffer(long customer, string label, long? origin = null) => Offer(customer, label, 0.5, "nbo-1", origin, Before);

    private static async Task<long[]> CustomersAsync(TestProfileStore test, int count)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        var people = Enumerable.Range(0, count).Select(_ => new Customer { Status = CustomerStatus.Active, CreatedAt = Now, UpdatedAt = Now }).ToList();
        store.Customers.AddRange(people);
        await store.SaveChangesAsync();
        return [.. people.Select(p => p.Id)];
    }

    private static async Task AddAsync(TestProfileStore test, params CustomerScore[] rows)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        store.Scores.AddRange(rows);
        await store.SaveChangesAsync();
    }

    private static async Task<List<CustomerScore>> ScoresAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Scores.AsNoTracking().OrderBy(s => s.Id).ToListAsync();
    }

    private static NboScoring.RankedChunk Chunk(List<long> replaced, params CustomerScore[] rows) => new([.. rows], replaced, 0);

    private static async Task<int> WriteAsync(TestProfileStore test, bool direct, params NboScoring.RankedChunk[] chunks)
    {
        var channel = Channel.CreateUnbounded<NboScoring.RankedChunk>();
        foreach (var chunk in chunks) Assert.True(channel.Writer.TryWrite(chunk));
        channel.Writer.Complete();
        return await new NboOfferWriter(test.Stores) { Direct = direct }.WriteAllAsync(channel.Reader, CancellationToken.None);
    }

    /// <summary>
    /// Customers a–g: a goes from 3 offers to 1, b from 1 to 3, c from 3 to none, d from none to 2, e holds 2 of its own
    /// and 1 a merge moved from f and gets 3; g is not rescored; a's churn score is another kind.
    /// </summary>
    private static async Task<(long[] Ids, CustomerScore[] New, CustomerScore Churn)> RescoreAsync(TestProfileStore test, bool direct)
    {
        var ids = await CustomersAsync(test, 7);
        var (a, b, c, d, e, f, g) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6]);
        var churn = new CustomerScore { CustomerId = a, OriginCustomerId = a, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-1", Value = 0.3, Label = "low", ScoredAt = Before };
        await AddAsync(test, OldOffer(a, "x"), OldOffer(a, "y"), OldOffer(a, "z"), OldOffer(b, "x"), OldOffer(c, "x"), OldOffer(c, "y"), OldOffer(c, "z"),
            OldOffer(e, "x"), OldOffer(e, "y"), OldOffer(e, "z", origin: f), OldOffer(g, "x"), OldOffer(g, "y"), churn);
        CustomerScore[] first = [Offer(a, "y", 0.9), Offer(b, "z", 0.8), Offer(b, "x", 0.7), Offer(b, "w", 0.6)];
        CustomerScore[] second = [Offer(d, "w", 0.55), Offer(d, "x", 0.45), Offer(e, "x", 0.9), Offer(e, "w", 0.3), Offer(e, "y", 0.2)];

        var written = await WriteAsync(test, direct, Chunk([a, b, c], first), Chunk([e], second));

        Assert.Equal(4, written);
        return (ids, [.. first, .. second], churn);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAll_Rescoring_EachCustomerHoldsExactlyTheirNewOffers_OthersUntouched(bool direct)
    {
        await using var test = await CoreHost.CreateAsync();
        var (ids, rows, churn) = await RescoreAsync(test, direct);

        var scores = await ScoresAsync(test);
        var g = ids[6];
        var expected = rows.Select(Seen).Concat([Seen(OldOffer(g, "x")), Seen(OldOffer(g, "y")), Seen(churn)]).OrderBy(s => s.ToString()).ToList();
        Assert.Equal(expected, scores.Select(Seen).OrderBy(s => s.ToString()).ToList());
        // c had no eligible offer: none left; e's row from f now belongs to e's new offers (origin e).
        Assert.DoesNotContain(scores, s => s.CustomerId == ids[2] && s.Kind == ScoreKind.NextBestOffer);
        Assert.All(scores.Where(s => s.CustomerId == ids[4]), s => Assert.Equal(ids[4], s.OriginCustomerId));
        // Each customer's offers are stored best first, as the delete-and-insert writer stored them.
        foreach (var customer in scores.Where(s => s.Kind == ScoreKind.NextBestOffer && s.ModelVersion == "nbo-2").GroupBy(s => s.CustomerId))
            Assert.Equal(rows.Where(r => r.CustomerId == customer.Key).Select(r => r.Label), customer.Select(s => s.Label));
    }

    [Fact]
    public async Task WriteAll_DirectStatements_StoreTheTextTheAdoStatementsAndEfStore()
    {
        await using var direct = await CoreHost.CreateAsync();
        await using var ado = await CoreHost.CreateAsync();
        await RescoreAsync(direct, direct: true);
        await RescoreAsync(ado, direct: false);
        // A row written by EF at the same time, for the stored form of the time.
        var reference = (await ScoresAsync(direct)).First(s => s.ModelVersion == "nbo-1").CustomerId;
        await AddAsync(direct, Offer(reference, "by-ef", 0.1, "ef"));

        var directRows = await RawAsync(direct);
        var adoRows = await RawAsync(ado);

        Assert.Equal(adoRows, directRows.Where(r => !r.Contains("|ef|", StringComparison.Ordinal)).ToList());
        var efTime = directRows.Single(r => r.Contains("|ef|", StringComparison.Ordinal)).Split('|')[^2];
        Assert.All(directRows.Where(r => r.Contains("|nbo-2|", StringComparison.Ordinal)), r => Assert.Equal(efTime, r.Split('|')[^2]));
    }

    /// <summary>Every row as SQLite holds it (types and text), id left out, in a stable order.</summary>
    private static async Task<List<string>> RawAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        var rows = await store.Database.SqlQueryRaw<string>(
            "SELECT \"CustomerId\" || '|' || \"Kind\" || '|' || \"ModelVersion\" || '|' || typeof(\"Value\") || ':' || quote(\"Value\") || '|' || " +
            "quote(\"Label\") || '|' || quote(\"ReasonsJson\") || '|' || typeof(\"ScoredAt\") || ':' || \"ScoredAt\" || '|' || quote(\"OriginCustomerId\") AS \"Value\" " +
            "FROM \"Scores\" ORDER BY \"Id\"").ToListAsync();
        // Customers' numbers differ between stores only if seeding did: they do not.
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAll_MergeMovedOffersOntoTheCustomerAfterTheRead_TheyEndWithOnlyTheirNewOffers(bool direct)
    {
        await using var test = await CoreHost.CreateAsync();
        var ids = await CustomersAsync(test, 3);
        var (survivor, merged, other) = (ids[0], ids[1], ids[2]);
        await AddAsync(test, OldOffer(survivor, "x"), OldOffer(survivor, "y"), OldOffer(merged, "x"), OldOffer(merged, "y"), OldOffer(merged, "z"));
        var channel = Channel.CreateUnbounded<NboScoring.RankedChunk>();
        var writing = new NboOfferWriter(test.Stores) { Direct = direct }.WriteAllAsync(channel.Reader, CancellationToken.None);
        // Once the first chunk is stored the writer has read who holds what; then the merge moves the merged profile's offers.
        Assert.True(channel.Writer.TryWrite(Chunk([], Offer(other, "w", 0.4))));
        for (var tries = 0; tries < 500 && !(await ScoresAsync(test)).Any(s => s.CustomerId == other); tries++) await Task.Delay(20);
        await using (var store = await test.Stores.CreateDbContextAsync())
            await store.Scores.Where(s => s.CustomerId == merged).ExecuteUpdateAsync(u => u.SetProperty(s => s.CustomerId, survivor));
        CustomerScore[] rows = [Offer(survivor, "z", 0.9), Offer(survivor, "x", 0.8), Offer(survivor, "w", 0.7)];
        Assert.True(channel.Writer.TryWrite(Chunk([survivor], rows)));
        channel.Writer.Complete();

        Assert.Equal(2, await writing);

        var survivorRows = (await ScoresAsync(test)).Where(s => s.CustomerId == survivor).ToList();
        Assert.Equal(rows.Select(Seen), survivorRows.Select(Seen));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAll_MergedBeforeThePass_TheSurvivorsRowsAndTheMovedOnesBecomeItsNewOffers(bool direct)
    {
        await using var test = await CoreHost.CreateAsync();
        var ids = await CustomersAsync(test, 2);
        var (survivor, merged) = (ids[0], ids[1]);
        // Two customers' offers on one survivor: 2 of its own and 3 moved by the merge.
        await AddAsync(test, OldOffer(survivor, "x"), OldOffer(survivor, "y"), OldOffer(survivor, "x", origin: merged), OldOffer(survivor, "y", origin: merged),
            OldOffer(survivor, "z", origin: merged));
        CustomerScore[] rows = [Offer(survivor, "y", 0.6), Offer(survivor, "w", 0.5)];

        Assert.Equal(1, await WriteAsync(test, direct, Chunk([survivor], rows)));

        Assert.Equal(rows.Select(Seen), (await ScoresAsync(test)).Select(Seen));
    }

    [Fact]
    public void SqlServerStatements_ParseAsTSql()
    {
        using var store = SqlServerStore();
        var statements = NboOfferWriter.Sql(store);

        Assert.Equal(5, statements.Count);
        foreach (var sql in statements)
        {
            new TSql170Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
            Assert.True(errors.Count == 0, sql + ": " + string.Join("; ", errors.Select(e => e.Message)));
        }
    }

    // Nothing here opens a connection.
    private static SqlServerProfileStore SqlServerStore() =>
        new(new DbContextOptionsBuilder<SqlServerProfileStore>()
            .UseSqlServer("Server=unused;Database=Customer360Portal;Integrated Security=false;Encrypt=true")
            .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);
}
