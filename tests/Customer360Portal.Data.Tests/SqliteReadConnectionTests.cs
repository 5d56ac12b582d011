using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Data.Tests;

/// <summary>Bulk reads run on a connection of their own, read only; inside a transaction they see that transaction.</summary>
public class SqliteReadConnectionTests
{
    [Fact]
    public async Task ForEachRow_OutsideATransaction_ReadsOnItsOwnConnection_WhatEfReads()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        store.Customers.AddRange(Person("Ada", "ada@example.com"), Person("Bo", "bo@example.com"), Person("Cy", null));
        await store.SaveChangesAsync();
        var query = store.Customers.Where(c => c.Email != null).OrderBy(c => c.Id).Select(c => new { c.Id, c.Email });

        var read = new List<(long, string?)>();
        var efConnectionOpened = false;
        DirectSqliteStatement.ForEachRow(store, query, row =>
        {
            efConnectionOpened |= store.Database.GetDbConnection().State != System.Data.ConnectionState.Closed;
            read.Add((row.Int64(0), row.Text(1)));
        }, CancellationToken.None);

        Assert.False(efConnectionOpened, "the rows were read on EF's connection");
        Assert.Equal((await query.ToListAsync()).Select(c => (c.Id, (string?)c.Email)), read);
        Assert.Equal(2, read.Count);
    }

    [Fact]
    public async Task ForEachRow_InsideATransaction_SeesWhatTheTransactionWrote()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        await using var transaction = await store.Database.BeginTransactionAsync();
        store.Customers.Add(Person("Dee", "dee@example.com"));
        await store.SaveChangesAsync();

        var emails = new List<string?>();
        DirectSqliteStatement.ForEachRow(store, store.Customers.Select(c => c.Email), row => emails.Add(row.Text(0)), CancellationToken.None);
        using (var connection = SqliteReadConnection.Open(store)) Assert.False(connection.OwnConnection);

        Assert.Equal(["dee@example.com"], emails);
    }

    [Fact]
    public async Task ForEachRow_InATransactionBegunOnTheConnectionItself_SeesWhatItWrote()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        await store.Database.OpenConnectionAsync();
        var connection = store.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        store.Customers.Add(Person("Eve", "eve@example.com"));
        store.Database.UseTransaction(transaction);
        await store.SaveChangesAsync();
        // EF no longer knows of the transaction (as with intake's writer, which begins it on the connection).
        store.Database.UseTransaction(null);

        var emails = new List<string?>();
        DirectSqliteStatement.ForEachRow(store, store.Customers.Select(c => c.Email), row => emails.Add(row.Text(0)), CancellationToken.None);

        Assert.Equal(["eve@example.com"], emails);
    }

    [Fact]
    public async Task OwnConnection_RefusesWrites()
    {
        await using var test = await TestProfileStore.CreateAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        using var connection = SqliteReadConnection.Open(store);
        using var insert = new DirectSqliteStatement(connection, "CREATE TABLE Probe (Id INTEGER)");

        var refused = Assert.Throws<SqliteException>(() => insert.Execute());

        Assert.Contains("readonly", refused.Message.Replace(" ", ""), StringComparison.OrdinalIgnoreCase);
    }

    private static Customer Person(string name, string? email)
    {
        var now = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        return new Customer { GivenName = name, NormalizedName = name.ToLowerInvariant(), Email = email, CreatedAt = now, UpdatedAt = now };
    }
}
