using Customer360Portal.Core.Predictions.Churn;

namespace Customer360Portal.Core.Tests.Predictions.Churn;

public sealed class ChurnTableCsvTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("c360-churn-csv-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private string Write(string text)
    {
        var path = Path.Combine(folder, "customers.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_TypesColumnsByInspection_BlanksAreMissing()
    {
        var path = Write("id,age,plan,spend,churned\n1,34,basic,10.5,yes\n2,,premium,,no\n3,51,,7,NO\n4,40,basic,3e2,\n");

        var loaded = ChurnTableCsv.Load(path, "churned", "Yes", "id");

        Assert.Equal(["age", "spend"], loaded.Table.Numeric.Select(c => c.Name));
        Assert.Equal(["plan"], loaded.Table.Categorical.Select(c => c.Name));
        Assert.Equal(1, loaded.SkippedRows);
        Assert.Equal([true, false, false], loaded.Table.Labels);
        Assert.Equal(["1", "2", "3"], loaded.Table.Ids);
        Assert.True(float.IsNaN(loaded.Table.Numeric[0].Values[1]));
        Assert.Equal("", loaded.Table.Categorical[0].Values[2]);
    }

    [Fact]
    public void Load_UnknownLabelColumn_SaysWhichColumnsExist()
    {
        var path = Write("id,age\n1,3\n");

        var e = Assert.Throws<ChurnInputException>(() => ChurnTableCsv.Load(path, "churn", "1"));

        Assert.Contains("Unknown label column 'churn'", e.Message);
        Assert.Contains("id, age", e.Message);
    }
}
