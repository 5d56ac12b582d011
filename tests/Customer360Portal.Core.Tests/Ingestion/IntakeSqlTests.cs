using Customer360Portal.Core.Ingestion;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Customer360Portal.Core.Tests.Ingestion;

/// <summary>No SQL Server runs here: the hot intake statements for it are at least proven to parse as T-SQL.</summary>
public class IntakeSqlTests
{
    public static TheoryData<string> SqlServerStatements => new(
        IntakeSql.SqlServer.InsertSourceRecord, IntakeSql.SqlServer.InsertQuarantine, IntakeSql.SqlServer.UpdateSourceCounters);

    [Theory]
    [MemberData(nameof(SqlServerStatements))]
    public void SqlServerStatement_ParsesAsTSql(string sql)
    {
        new TSql170Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")));
    }

    [Fact]
    public void ProviderName_PicksTheMatchingStatements()
    {
        Assert.Same(IntakeSql.SqlServer, IntakeSql.For("Microsoft.EntityFrameworkCore.SqlServer"));
        Assert.Same(IntakeSql.Sqlite, IntakeSql.For("Microsoft.EntityFrameworkCore.Sqlite"));
    }
}
