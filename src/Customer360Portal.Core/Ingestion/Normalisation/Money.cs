using System.Globalization;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>Shows stored amounts (integer minor units) as people read them.</summary>
public static class Money
{
    /// <summary>"GBP 1,234.50" for 123450 GBP minor units, "JPY 1,200" for 1200 JPY; the bare number without a known currency.</summary>
    public static string Format(long amountMinor, string? currency)
    {
        if (currency is null || !Currencies.TryGet(currency, out var code, out var exponent))
            return amountMinor.ToString("N0", CultureInfo.InvariantCulture);
        var amount = amountMinor / Currencies.Factor(exponent);
        return $"{code} {amount.ToString("N" + exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)}";
    }

    /// <summary>Minor units in major units (123450 GBP → 1234.50); unchanged without a known currency.</summary>
    public static decimal ToMajor(long amountMinor, string? currency) =>
        currency is not null && Currencies.TryGet(currency, out _, out var exponent) ? amountMinor / Currencies.Factor(exponent) : amountMinor;
}
