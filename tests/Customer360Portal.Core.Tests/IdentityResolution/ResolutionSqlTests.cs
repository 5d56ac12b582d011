using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Customer360Portal.Core.Tests.IdentityResolution;

/// <summary>No SQL Server runs here: resolution's bulk statements and hot queries for it are proven to parse as T-SQL.</summary>
public class ResolutionSqlTests
{
    // Nothing here opens a connection.
    private static SqlServerProfileStore SqlServerStore() =>
        new(new DbContextOptionsBuilder<SqlServerProfileStore>()
            .UseSqlServer("Server=unused;Database=Customer360Portal;Integrated Security=false;Encrypt=true")
            .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);

    public static TheoryData<string> Statements()
    {
        using var store = SqlServerStore();
        var ids = new List<long> { 1, 2 };
        var keys = new List<long> { 10, 20 };
        var values = new List<string> { "a@example.com" };
        return new TheoryData<string>(
            BulkRows<Customer>.InsertMany(store, null, explicitKeys: true).Sql,
            BulkRows<Customer>.Update(store, null).Sql,
            BulkRows<CustomerScore>.UpdateMatching(store, null, nameof(CustomerScore.CustomerId), nameof(CustomerScore.Kind)).Sql,
            BulkRows<Customer360Portal.Data.Model.Identifier>.InsertMany(store, null).Sql,
            BulkRows<CustomerTrait>.InsertMany(store, null).Sql,
            BulkRows<ProfileMatchKey>.InsertMany(store, null).Sql,
            store.MatchKeys.Where(k => keys.Contains(k.KeyHash)).Select(k => k.CustomerId).ToQueryString(),
            store.Customers.Where(c => ids.Contains(c.Id)).ToQueryString(),
            store.Identifiers.Where(i => i.Type == IdentifierType.Email && values.Contains(i.Value)).Select(i => new { i.Value, i.CustomerId }).ToQueryString(),
            store.Identifiers.Where(i => ids.Contains(i.CustomerId) && i.Type == IdentifierType.AccountId).Select(i => new { i.CustomerId, i.Value }).ToQueryString(),
            // The profile's timeline (Core/CustomerView): every part, then filtered by type, channel, dates and text.
            Core.CustomerView.CustomerTimeline.PageSql(store, 1, Core.CustomerView.TimelineFilter.All, 100, 100),
            Core.CustomerView.CustomerTimeline.PageSql(store, 1, new Core.CustomerView.TimelineFilter
            {
                Categories = new HashSet<Core.CustomerView.TimelineCategory> { Core.CustomerView.TimelineCategory.Web, Core.CustomerView.TimelineCategory.Other, Core.CustomerView.TimelineCategory.Consent },
                Channels = new HashSet<InteractionChannel> { InteractionChannel.Web, InteractionChannel.System },
                From = new DateOnly(2026, 1, 1), To = new DateOnly(2026, 6, 30), Text = "50%_off",
            }, 0, 100),
            // Agent search (Core/Search).
            BulkRows<CustomerSearchKey>.InsertMany(store, null).Sql,
            Core.Search.CustomerSearch.CandidatesSql(store, Core.Search.SearchKeys.OfQuery("jon smyth").Terms),
            Core.Search.CustomerSearch.MatchedTermsSql(store, Core.Search.SearchKeys.OfQuery("+44 7700 900123").Terms, ids),
            store.SearchKeys.Where(k => ids.Contains(k.CustomerId)).ToQueryString(),
            store.Customers.Where(c => c.UpdatedAt > DateTime.MinValue || (c.UpdatedAt == DateTime.MinValue && c.Id > 5))
                .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id).Take(5_000).Select(c => new { c.Id, c.UpdatedAt }).ToQueryString());
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void SqlServerStatement_ParsesAsTSql(string sql)
    {
        new TSql170Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")) + "\n" + sql);
    }

    [Fact]
    public void BulkInsert_WithExplicitKeys_TurnsIdentityInsertOnForTheStatementOnly_AndSendsManyRows()
    {
        using var store = SqlServerStore();
        var sql = BulkRows<Customer>.InsertMany(store, null, explicitKeys: true).Sql;

        Assert.StartsWith("SET IDENTITY_INSERT [Customers] ON;", sql);
        Assert.EndsWith("SET IDENTITY_INSERT [Customers] OFF;", sql);
        Assert.Contains("[Id]", sql);
        Assert.True(sql.Split("), (").Length > 1, "more than one row per statement");
    }
}
