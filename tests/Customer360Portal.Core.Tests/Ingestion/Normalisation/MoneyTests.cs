using Customer360Portal.Core.Ingestion.Normalisation;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class MoneyTests
{
    [Theory]
    [InlineData(123450L, "GBP", "GBP 1,234.50")]
    [InlineData(1200L, "jpy", "JPY 1,200")]
    [InlineData(1250L, "KWD", "KWD 1.250")]
    [InlineData(0L, null, "0")]
    [InlineData(990L, "XXX", "990")]
    public void Format_ShowsMinorUnitsInTheCurrencysOwnDecimals(long minor, string? currency, string expected) =>
        Assert.Equal(expected, Money.Format(minor, currency));
}
