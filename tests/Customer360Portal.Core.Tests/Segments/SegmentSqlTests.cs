using Customer360Portal.Core.Segments;
using Customer360Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Customer360Portal.Core.Tests.Segments;

/// <summary>No SQL Server runs here: a representative segment's SQL Server query is proven to parse as T-SQL.</summary>
public class SegmentSqlTests
{
    private static SqlServerProfileStore SqlServerStore() =>
        new(new DbContextOptionsBuilder<SqlServerProfileStore>()
            .UseSqlServer("Server=unused;Database=Customer360Portal;Integrated Security=false;Encrypt=true")
            .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);

    private const string Representative = """
        { "type": "group", "combinator": "all", "rules": [
          { "type": "field", "field": "lifecycleStage", "operator": "in", "values": ["AtRisk", "Lapsed"] },
          { "type": "field", "field": "city", "operator": "notEquals", "values": ["London"] },
          { "type": "field", "field": "averageOrderValue", "operator": "between", "values": ["20", "80"] },
          { "type": "field", "field": "age", "operator": "greaterOrEqual", "values": ["30"] },
          { "type": "field", "field": "daysSinceLastPurchase", "operator": "notIn", "values": ["1", "2"] },
          { "type": "trait", "key": "plan", "operator": "in", "values": ["gold", "silver"] },
          { "type": "behaviour", "event": "track:Product Viewed", "did": true, "minTimes": 2, "withinDays": 30, "category": "Garden" },
          { "type": "behaviour", "event": "order.placed", "did": false, "withinDays": 30, "channel": "Web" },
          { "type": "group", "combinator": "any", "negate": true, "rules": [
            { "type": "prediction", "kind": "ChurnRisk", "band": "high", "minScore": 0.8 },
            { "type": "prediction", "kind": "NextBestOffer", "offer": "SPRING-BBQ" },
            { "type": "consent", "purpose": "EmailMarketing", "granted": true },
            { "type": "source", "source": "shop" },
            { "type": "segment", "segmentId": 3, "member": true } ] } ] }
        """;

    [Fact]
    public void RepresentativeSegment_SqlServerQuery_ParsesAsTSql()
    {
        using var store = SqlServerStore();
        var rule = SegmentRuleJson.Parse(Representative);
        var sampleIds = new long[] { 1, 5, 9 };
        var queries = new[]
        {
            SegmentCompiler.Query(store, rule, DateTime.UtcNow).Select(c => c.Id).ToQueryString(),
            SegmentCompiler.Query(store, rule, DateTime.UtcNow).Where(c => EF.Parameter(sampleIds).Contains(c.Id)).Select(c => new { c.Id, c.Email }).ToQueryString(),
        };

        foreach (var sql in queries)
        {
            new TSql170Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
            Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")) + "\n" + sql);
            Assert.Contains("EXISTS", sql);
        }
        Assert.Contains("OPENJSON", queries[1]);
    }
}
