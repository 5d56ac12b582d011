using System.Text;
using Customer360Portal.Data.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

using Customer360Portal.Tests.Shared;

namespace Customer360Portal.Data.Tests;

public class ProfileStoreTests
{
    [Fact]
    public async Task Customer_WithIdentifiersLineageAndTimeline_RoundTrips()
    {
        await using var test = await TestProfileStore.CreateAsync();
        var seen = new DateTime(2026, 3, 4, 10, 30, 0, DateTimeKind.Utc);
        long id;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var customer = new Customer
            {
                GivenName = "Jonathan", FamilyName = "Smith", NormalizedName = "jonathan smith", Email = "jon.smith@example.com",
                Phone = "+441632960961", DateOfBirth = new DateOnly(1984, 2, 29), Country = "GB", LifecycleStage = LifecycleStage.Retention,
                LifetimeValueMinor = 123_45, Currency = "GBP", OrderCount = 3, LastPurchaseAt = seen, CreatedAt = seen, UpdatedAt = seen,
                Identifiers = [new Identifier { Type = IdentifierType.Email, Value = "jon.smith@example.com", SourceKey = "crm", FirstSeenAt = seen, LastSeenAt = seen }],
                Lineage = [new CustomerFieldLineage { Field = "Email", Value = "jon.smith@example.com", SourceKey = "crm", ObservedAt = seen, Rule = "most-trusted-source" }],
            };
            store.Customers.Add(customer);
            await store.SaveChangesAsync();
            id = customer.Id;
            store.Interactions.Add(new Interaction { CustomerId = id, SourceKey = "shop", Type = "order.placed", Channel = InteractionChannel.Web,
                JourneyStage = LifecycleStage.Purchase, OccurredAt = seen, Summary = "Order 1001", AmountMinor = 4_99, Currency = "GBP", Reference = "1001" });
            store.ConsentEvents.Add(new ConsentEvent { CustomerId = id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted,
                LawfulBasis = LawfulBasis.Consent, SourceKey = "crm", EffectiveAt = seen, RecordedAt = seen });
            await store.SaveChangesAsync();
        }

        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var loaded = await store.Customers.Include(c => c.Identifiers).SingleAsync(c => c.Id == id);
            Assert.Equal("jon.smith@example.com", loaded.Email);
            Assert.Equal(new DateOnly(1984, 2, 29), loaded.DateOfBirth);
            Assert.Equal(LifecycleStage.Retention, loaded.LifecycleStage);
            Assert.Equal(DateTimeKind.Utc, loaded.LastPurchaseAt!.Value.Kind);
            Assert.Equal(seen, loaded.LastPurchaseAt);
            Assert.Equal(IdentifierType.Email, Assert.Single(loaded.Identifiers).Type);
            Assert.Equal("most-trusted-source", Assert.Single(loaded.Lineage).Rule);

            // Lookup by normalised email goes through the identifier index.
            Assert.Equal(id, await store.Identifiers.Where(i => i.Type == IdentifierType.Email && i.Value == "jon.smith@example.com").Select(i => i.CustomerId).SingleAsync());
            // Ordering by a timestamp stays in SQL on SQLite (UTC DateTime, not DateTimeOffset).
            Assert.Equal("1001", await store.Interactions.Where(i => i.CustomerId == id).OrderByDescending(i => i.OccurredAt).Select(i => i.Reference).FirstAsync());
            // Enums are stored as readable text.
            var rawPurpose = await store.Database.SqlQueryRaw<string>("SELECT Purpose AS Value FROM ConsentEvents").SingleAsync();
            Assert.Equal("EmailMarketing", rawPurpose);
        }
    }

    [Fact]
    public async Task Lineage_ChangedInPlace_IsSaved_AndAnEqualCopyIsNoChange()
    {
        await using var test = await TestProfileStore.CreateAsync();
        var seen = new DateTime(2026, 3, 4, 10, 30, 0, DateTimeKind.Utc);
        long id;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var customer = new Customer
            {
                Email = "old@example.com", CreatedAt = seen, UpdatedAt = seen,
                Lineage = [new CustomerFieldLineage { Field = "Email", Value = "old@example.com", SourceKey = "crm", SourceRecordId = 7, ObservedAt = seen, Rule = "most-recent" }],
            };
            store.Customers.Add(customer);
            await store.SaveChangesAsync();
            id = customer.Id;
        }

        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            // Survivorship changes entries in place: the snapshot must not share them.
            var loaded = await store.Customers.SingleAsync(c => c.Id == id);
            loaded.Lineage[0].Value = "new@example.com";
            loaded.Lineage[0].SourceRecordId = 8;
            store.ChangeTracker.DetectChanges();
            Assert.True(store.Entry(loaded).Property(c => c.Lineage).IsModified);
            await store.SaveChangesAsync();

            loaded.Lineage = LineageJson.Read(LineageJson.Write(loaded.Lineage));
            store.ChangeTracker.DetectChanges();
            Assert.False(store.Entry(loaded).Property(c => c.Lineage).IsModified);

            loaded.Lineage.Add(new CustomerFieldLineage { Field = "Phone", Value = "+441632960961", SourceKey = "shop", ObservedAt = seen, Rule = "most-recent" });
            await store.SaveChangesAsync();
        }

        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            var lineage = (await store.Customers.SingleAsync(c => c.Id == id)).Lineage;
            Assert.Equal(["Email", "Phone"], lineage.Select(l => l.Field));
            Assert.Equal(("new@example.com", 8L), (lineage[0].Value, lineage[0].SourceRecordId!.Value));
        }
    }

    [Fact]
    public void LineageComparer_SeesAChangeInEveryProperty()
    {
        // The change tracker compares lineage field by field: a property added later must be compared too.
        var seen = new DateTime(2026, 3, 4, 10, 30, 0, DateTimeKind.Utc);
        var entry = new CustomerFieldLineage { Field = "Email", Value = "a@example.com", SourceKey = "crm", SourceRecordId = 7, ObservedAt = seen, Rule = "most-recent", Reason = "r" };
        foreach (var property in typeof(CustomerFieldLineage).GetProperties())
        {
            var changed = entry.Clone();
            object other = property.PropertyType == typeof(DateTime) ? seen.AddDays(1)
                : property.PropertyType == typeof(long?) ? 8L
                : property.PropertyType == typeof(string) ? "changed"
                : throw new InvalidOperationException($"No test value for {property.Name} ({property.PropertyType.Name}).");
            property.SetValue(changed, other);
            Assert.False(LineageJson.Same([entry], [changed]), property.Name);
        }
        Assert.True(LineageJson.Same([entry], [entry.Clone()]));
    }

    [Fact]
    public async Task SourceRecord_SameVersionTwice_IsRejectedByTheIdempotencyIndex()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        SourceRecord Record(string hash) => new() { SourceKey = "crm", ExternalId = "C-1", Kind = "contact", PayloadJson = "{}", PayloadHash = hash, VersionKey = hash[..16], ReceivedAt = DateTime.UtcNow };

        store.SourceRecords.Add(Record(new string('a', 64)));
        store.SourceRecords.Add(Record(new string('b', 64))); // a changed record is a new version
        await store.SaveChangesAsync();

        store.SourceRecords.Add(Record(new string('a', 64)));
        await Assert.ThrowsAsync<DbUpdateException>(() => store.SaveChangesAsync());
    }

    [Fact]
    public async Task EmbeddedStore_RunsInWalModeWithSecureDelete()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        await store.Database.OpenConnectionAsync();
        Assert.Equal("wal", await Scalar(store, "PRAGMA journal_mode"));
        Assert.Equal("1", await Scalar(store, "PRAGMA secure_delete"));
        Assert.Equal("1", await Scalar(store, "PRAGMA foreign_keys"));
    }

    [Fact]
    public async Task DeletedCustomer_LeavesNoTraceInTheDatabaseFile()
    {
        await using var test = await TestProfileStore.CreateAsync();
        const string marker = "erase-me-7f3a9c@example.com";
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            store.Customers.Add(new Customer { Email = marker, GivenName = "Erin", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                Identifiers = [new Identifier { Type = IdentifierType.Email, Value = marker, SourceKey = "crm" }] });
            await store.SaveChangesAsync();
            await store.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Assert.True(FileContains(test.DatabaseFile, marker), "the marker should be in the file before erasure");

        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            await store.Customers.Where(c => c.Email == marker).ExecuteDeleteAsync();
            await store.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        SqliteConnection.ClearAllPools();

        Assert.False(FileContains(test.DatabaseFile, marker), "secure_delete should have overwritten the deleted rows");
        Assert.False(File.Exists(test.DatabaseFile + "-wal") && FileContains(test.DatabaseFile + "-wal", marker));
    }

    private static bool FileContains(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }

    private static async Task<string?> Scalar(ProfileStore store, string sql)
    {
        var command = store.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    [Fact]
    public async Task Save_NotesEveryProfileItAddsChangesOrMovesIdentifiersOf_AndNothingElse()
    {
        await using var test = await TestProfileStore.CreateAsync();
        var at = new DateTime(2026, 3, 4, 10, 30, 0, DateTimeKind.Utc);
        Customer Person(string name, string email) => new()
        {
            GivenName = name, FamilyName = "Smith", CreatedAt = at, UpdatedAt = at,
            Identifiers = [new Identifier { Type = IdentifierType.Email, Value = email, SourceKey = "crm", FirstSeenAt = at, LastSeenAt = at }],
        };
        long ann, bob, cat;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            store.Customers.AddRange(Person("Ann", "ann@example.com"), Person("Bob", "bob@example.com"), Person("Cat", "cat@example.com"));
            await store.SaveChangesAsync();
            (ann, bob, cat) = (store.Customers.Local.Single(c => c.GivenName == "Ann").Id, store.Customers.Local.Single(c => c.GivenName == "Bob").Id,
                store.Customers.Local.Single(c => c.GivenName == "Cat").Id);
            // New profiles are noted with the ids the database gave them, once each.
            Assert.Equal(new[] { ann, bob, cat }.Order(), (await store.ProfileChanges.Select(c => c.CustomerId).ToListAsync()).Order());
            Assert.Empty(store.ChangeTracker.Entries<ProfileChange>());
            await store.ProfileChanges.ExecuteDeleteAsync();

            // Ann's name changes; Bob's email moves to Cat; a note on Cat's timeline alone changes no profile.
            store.Customers.Local.Single(c => c.Id == ann).FamilyName = "Smyth";
            store.Identifiers.Local.Single(i => i.Value == "bob@example.com").CustomerId = cat;
            store.Notes.Add(new CustomerNote { CustomerId = cat, Text = "Called", AuthorUserId = "u", CreatedAt = at });
            await store.SaveChangesAsync();
            Assert.Equal(new[] { ann, bob, cat }.Order(), (await store.ProfileChanges.Select(c => c.CustomerId).ToListAsync()).Order());
            await store.ProfileChanges.ExecuteDeleteAsync();

            store.Notes.Add(new CustomerNote { CustomerId = ann, Text = "Emailed", AuthorUserId = "u", CreatedAt = at });
            await store.SaveChangesAsync();
            Assert.Empty(await store.ProfileChanges.ToListAsync());
        }
    }
}
