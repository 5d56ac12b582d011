using Customer360Portal.Core.Predictions;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Predictions;

public class ScoreRowSqlTests
{
    [Fact]
    public void Written_IsEveryColumnButTheId()
    {
        // Nothing here opens a connection.
        using var store = new SqlServerProfileStore(new DbContextOptionsBuilder<SqlServerProfileStore>()
            .UseSqlServer("Server=unused;Database=Customer360Portal;Integrated Security=false;Encrypt=true")
            .UseApplicationServiceProvider(IdentitySchema.StandaloneServices).Options);
        var columns = store.Model.FindEntityType(typeof(CustomerScore))!.GetProperties().Select(p => p.Name).Where(n => n != nameof(CustomerScore.Id));

        Assert.Equal(columns.Order(), ScoreRowSql.Written.Order());
    }
}
