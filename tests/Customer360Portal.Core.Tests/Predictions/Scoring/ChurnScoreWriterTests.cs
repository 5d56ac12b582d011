using System.Threading.Channels;
using Customer360Portal.Core.Predictions.Scoring;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Customer360Portal.Core.Tests.Predictions.Scoring;

/// <summary>
/// The churn writer updates each customer's churn row in place, inserts first scores, and resolves two churn rows a merge
/// left on one customer (the oldest stays). Both statement sets run: SQLitePCL's (direct) and the ADO.NET ones SQL Server
/// runs; both must store exactly what EF stores for the same rows.
/// </summary>
public sealed class ChurnScoreWriterTests
{
    // Sub-second ticks: the time is written as text by the direct statements, and must read back as EF wrote it.
    private static readonly DateTime Now = CoreHost.Now.UtcDateTime.AddTicks(1_234_567);
    private static readonly DateTime Before = Now.AddDays(-7);

    private static CustomerScore Churn(long customer, double value, string version = "churn-2", long? origin = null, DateTime? at = null,
        string? reasons = "[\"no purchase for 90 days raises the risk\"]") => new()
    {
        CustomerId = customer, OriginCustomerId = origin ?? customer, Kind = ScoreKind.ChurnRisk, ModelVersion = version, Value = value,
        Label = ChurnScoring.Band(value), ReasonsJson = reasons, ScoredAt = at ?? Now,
    };

    private static CustomerScore OldChurn(long customer, long? origin = null) => Churn(customer, 0.5, "churn-1", origin, Before, "[\"old reason\"]");

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

    private static async Task<int> WriteAsync(TestProfileStore test, bool direct, params CustomerScore[][] batches)
    {
        var channel = Channel.CreateUnbounded<CustomerScore[]>();
        foreach (var batch in batches) Assert.True(channel.Writer.TryWrite(batch));
        channel.Writer.Complete();
        return await new ChurnScoreWriter(test.Stores) { Direct = direct }.WriteAllAsync(channel.Reader, CancellationToken.None);
    }

    /// <summary>
    /// Customers a–f: a and b hold a churn score (b's was moved onto it from f by a merge: its origin changes to b), c and
    /// d are scored for the first time, e holds its own churn row and one a merge moved from f (the newer), f is not
    /// rescored; a also holds an offer.
    /// </summary>
    private static async Task<(long[] Ids, CustomerScore[] Seeded, CustomerScore[] New)> RescoreAsync(TestProfileStore test, bool direct)
    {
        var ids = await CustomersAsync(test, 6);
        var (a, b, c, d, e, f) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]);
        var offer = new CustomerScore { CustomerId = a, OriginCustomerId = a, Kind = ScoreKind.NextBestOffer, ModelVersion = "nbo-1", Value = 0.3, Label = "x", ScoredAt = Before };
        CustomerScore[] seeded = [OldChurn(a), offer, OldChurn(b, origin: f), OldChurn(e), OldChurn(e, origin: f)];
        await AddAsync(test, seeded);
        // The last batch holds one customer: batches of any size, and of rows with no reasons.
        CustomerScore[][] batches = [[Churn(a, 0.91), Churn(c, 0.42), Churn(e, 0.1)], [Churn(b, 0.05), Churn(d, 0.77, reasons: null)]];

        var written = await WriteAsync(test, direct, batches);

        Assert.Equal(5, written);
        return (ids, seeded, [.. batches.SelectMany(b => b)]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAll_Rescoring_UpdatesChurnRowsInPlace_InsertsFirstScores_OtherKindsUntouched(bool direct)
    {
        await using var test = await CoreHost.CreateAsync();
        var (ids, seeded, rows) = await RescoreAsync(test, direct);

        var scores = await ScoresAsync(test);

        var churn = scores.Where(s => s.Kind == ScoreKind.ChurnRisk).ToList();
        Assert.Equal(rows.Select(r => r.CustomerId).Order(), churn.Select(s => s.CustomerId).Order());
        foreach (var row in rows)
        {
            var stored = churn.Single(s => s.CustomerId == row.CustomerId);
            Assert.Equal((row.ModelVersion, row.Value, row.Label, row.ReasonsJson, row.ScoredAt, row.OriginCustomerId),
                (stored.ModelVersion, stored.Value, stored.Label, stored.ReasonsJson, stored.ScoredAt, stored.OriginCustomerId));
        }
        // Rescored customers keep their row (same id); first scores come after every older row.
        Assert.Equal(seeded[0].Id, churn.Single(s => s.CustomerId == ids[0]).Id);
        Assert.Equal(seeded[2].Id, churn.Single(s => s.CustomerId == ids[1]).Id);
        Assert.All(churn.Where(s => s.CustomerId == ids[2] || s.CustomerId == ids[3]), s => Assert.True(s.Id > seeded.Max(r => r.Id)));
        var offer = scores.Single(s => s.Kind == ScoreKind.NextBestOffer);
        Assert.Equal((seeded[1].Id, ids[0], 0.3, "nbo-1"), (offer.Id, offer.CustomerId, offer.Value, offer.ModelVersion));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAll_MergeLeftTwoChurnRowsOnOneCustomer_TheOldestStaysWithTheNewScore(bool direct)
    {
        await using var test = await CoreHost.CreateAsync();
        var (ids, seeded, _) = await RescoreAsync(test, direct);

        var survivorRows = (await ScoresAsync(test)).Where(s => s.CustomerId == ids[4]).ToList();

        var kept = Assert.Single(survivorRows);
        Assert.Equal(Math.Min(seeded[3].Id, seeded[4].Id), kept.Id);
        Assert.Equal((0.1, "churn-2", ids[4]), (kept.Value, kept.ModelVersion, kept.OriginCustomerId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteAll_SameRowsAsEfStoringTheScores_EveryColumnAsEfWritesIt(bool direct)
    {
        await using var written = await CoreHost.CreateAsync();
        await using var reference = await CoreHost.CreateAsync();
        var (_, _, rows) = await RescoreAsync(written, direct);
        // The reference: the same store, and the same outcome through EF's change tracking (update the oldest churn row,
        // remove the others, insert when there is none).
        var ids = await CustomersAsync(reference, 6);
        var (a, b, e, f) = (ids[0], ids[1], ids[4], ids[5]);
        await AddAsync(reference, OldChurn(a),
            new CustomerScore { CustomerId = a, OriginCustomerId = a, Kind = ScoreKind.NextBestOffer, ModelVersion = "nbo-1", Value = 0.3, Label = "x", ScoredAt = Before },
            OldChurn(b, origin: f), OldChurn(e), OldChurn(e, origin: f));
        await using (var store = await reference.Stores.CreateDbContextAsync())
        {
            foreach (var row in rows)
            {
                var held = await store.Scores.Where(s => s.CustomerId == row.CustomerId && s.Kind == ScoreKind.ChurnRisk).OrderBy(s => s.Id).ToListAsync();
                if (held.Count == 0)
                {
                    store.Scores.Add(Churn(row.CustomerId, row.Value, row.ModelVersion, row.OriginCustomerId, row.ScoredAt, row.ReasonsJson));
                    continue;
                }
                (held[0].ModelVersion, held[0].Value, held[0].Label, held[0].ReasonsJson, held[0].ScoredAt, held[0].OriginCustomerId) =
                    (row.ModelVersion, row.Value, row.Label, row.ReasonsJson, row.ScoredAt, row.OriginCustomerId);
                store.Scores.RemoveRange(held.Skip(1));
            }
            await store.SaveChangesAsync();
        }

        Assert.Equal(await RawAsync(reference), await RawAsync(written));
    }

    /// <summary>Every row as SQLite holds it (types and text), in id order.</summary>
    private static async Task<List<string>> RawAsync(TestProfileStore test)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Database.SqlQueryRaw<string>(
            "SELECT \"Id\" || '|' || \"CustomerId\" || '|' || \"Kind\" || '|' || \"ModelVersion\" || '|' || typeof(\"Value\") || ':' || quote(\"Value\") || '|' || " +
            "quote(\"Label\") || '|' || quote(\"ReasonsJson\") || '|' || typeof(\"ScoredAt\") || ':' || \"ScoredAt\" || '|' || quote(\"OriginCustomerId\") AS \"Value\" " +
            "FROM \"Scores\" ORDER BY \"Id\"").ToListAsync();
    }

    [Fact]
    public void SqlServerStatements_ParseAsTSql()
    {
        using var store = SqlServerStore();
        var statements = ChurnScoreWriter.Sql(store);

        Assert.Equal(3, statements.Count);
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
