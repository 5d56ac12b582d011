namespace Customer360Portal.Core.IdentityResolution.Matching;

/// <summary>What one field added to a pair's match weight, for reviewers: "family name: similar, +6.2".</summary>
public sealed record FieldContribution(Field Field, string Level, double Weight);

/// <summary>
/// A Fellegi-Sunter model: per field and agreement level, m = P(level | same person) and u = P(level | different
/// people); a pair's match weight is the sum of log2(m/u) over the fields both records have. Exact agreement on a
/// frequency-weighted field uses the value's own frequency as u, so a shared rare surname says more than "Smith".
/// Parameters come from <see cref="ModelTrainer"/> (EM on the data itself), never from hand-tuning per data set.
/// </summary>
public sealed class MatchModel
{
    public required double[][] M { get; init; }
    public required double[][] U { get; init; }
    /// <summary>Probability that two records picked at random are the same person: the prior of every pair.</summary>
    public required double PriorMatchProbability { get; init; }
    /// <summary>Per <see cref="Comparisons.FrequencyWeighted"/> field: value → share of records holding it.</summary>
    public required Dictionary<string, double>[] Frequencies { get; init; }
    /// <summary>Share assumed for a value not in the table (seen once, or new).</summary>
    public required double MinimumFrequency { get; init; }
    public int TrainedOnRecords { get; init; }
    public int EmIterations { get; init; }
    public DateTime TrainedAt { get; init; }

    public double PriorLogOdds => Math.Log2(PriorMatchProbability / (1 - PriorMatchProbability));

    /// <summary>How common each frequency-weighted value of a record is (NaN where the record has none).</summary>
    public double[] FrequenciesOf(PreparedPerson person)
    {
        var result = new double[Comparisons.FrequencyWeighted.Length];
        for (var k = 0; k < result.Length; k++)
        {
            var value = ValueOf(person, Comparisons.FrequencyWeighted[k]);
            // An empty table (the bootstrap model) knows no frequencies: the field's average u applies.
            result[k] = value.Length == 0 || Frequencies[k].Count == 0 ? double.NaN : Frequencies[k].GetValueOrDefault(value, MinimumFrequency);
        }
        return result;
    }

    /// <summary>The Bayes factor of a pattern in bits; <paramref name="frequencies"/> are the left record's (see <see cref="FrequenciesOf"/>).</summary>
    public double Weight(ulong pattern, ReadOnlySpan<double> frequencies)
    {
        double weight = 0;
        for (var f = 0; f < Comparisons.FieldCount; f++)
        {
            var level = (int)((pattern >> (4 * f)) & 0xF);
            if (level == Comparisons.Null) continue;
            weight += FieldWeight(f, level, frequencies);
        }
        return weight;
    }

    public double Probability(double weight) => 1.0 / (1.0 + Math.Pow(2, -(weight + PriorLogOdds)));

    public IReadOnlyList<FieldContribution> Explain(ulong pattern, ReadOnlySpan<double> frequencies)
    {
        var result = new List<FieldContribution>();
        for (var f = 0; f < Comparisons.FieldCount; f++)
        {
            var level = (int)((pattern >> (4 * f)) & 0xF);
            if (level == Comparisons.Null) continue;
            result.Add(new FieldContribution((Field)f, Comparisons.Levels[f][level], Math.Round(FieldWeight(f, level, frequencies), 2)));
        }
        return result;
    }

    private double FieldWeight(int field, int level, ReadOnlySpan<double> frequencies)
    {
        var u = U[field][level];
        if (level == 0)
        {
            var k = Array.IndexOf(Comparisons.FrequencyWeighted, (Field)field);
            if (k >= 0 && k < frequencies.Length && !double.IsNaN(frequencies[k]))
                u = Math.Max(frequencies[k], MinimumFrequency);
        }
        return Math.Log2(M[field][level] / u);
    }

    internal static string ValueOf(PreparedPerson person, Field field) => field switch
    {
        Field.Given => person.Given,
        Field.Family => person.Family,
        Field.Street => person.Street,
        Field.Locality => person.Locality,
        Field.City => person.City,
        Field.Postcode => person.Postcode,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}
