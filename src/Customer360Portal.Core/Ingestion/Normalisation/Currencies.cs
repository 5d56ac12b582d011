namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>
/// ISO 4217 currencies in use, with their minor-unit exponent (list 1, fund and precious-metal codes left out).
/// Amounts are stored as integers of minor units: 12.50 GBP is 1250, 1200 JPY is 1200, 1.250 KWD is 1250.
/// </summary>
internal static class Currencies
{
    /// <summary>Two decimals unless listed below.</summary>
    private const string TwoDecimalCodes =
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC " +
        "CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR " +
        "JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD " +
        "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN " +
        "SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG " +
        // Withdrawn recently but still on historical orders a backfill brings in: kept so those orders are not refused.
        "ANG BGN HRK";

    private const string ZeroDecimalCodes = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
    private const string ThreeDecimalCodes = "BHD IQD JOD KWD LYD OMR TND";

    private static readonly Dictionary<string, (string Code, int Exponent)> ByCode = Build();

    private static Dictionary<string, (string Code, int Exponent)> Build()
    {
        var codes = new Dictionary<string, (string, int)>(StringComparer.OrdinalIgnoreCase);
        foreach (var code in TwoDecimalCodes.Split(' ')) codes.Add(code, (code, 2));
        foreach (var code in ZeroDecimalCodes.Split(' ')) codes.Add(code, (code, 0));
        foreach (var code in ThreeDecimalCodes.Split(' ')) codes.Add(code, (code, 3));
        return codes;
    }

    /// <summary>The upper-case code and its exponent for a trimmed code in any case.</summary>
    public static bool TryGet(string code, out string canonical, out int exponent)
    {
        if (code.Length == 3 && ByCode.TryGetValue(code, out var entry))
        {
            (canonical, exponent) = entry;
            return true;
        }
        canonical = "";
        exponent = 0;
        return false;
    }

    private static readonly decimal[] PowersOfTen = [1m, 10m, 100m, 1000m];

    public static decimal Factor(int exponent) => PowersOfTen[exponent];
}
