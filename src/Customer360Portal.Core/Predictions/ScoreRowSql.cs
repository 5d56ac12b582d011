using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Customer360Portal.Core.Predictions;

/// <summary>
/// What the two score writers (<see cref="Scoring.ChurnScoreWriter"/>, <see cref="Offers.Portal.NboOfferWriter"/>)
/// share: the <see cref="CustomerScore"/> columns a row is written with and the store's names for them, the INSERT and
/// an UPDATE's SET list with parameters @p0.. in that order, and values as the provider stores them (the model's
/// converters). Each writer adds the statements that find its rows.
/// </summary>
internal sealed class ScoreRowSql
{
    /// <summary>The columns a row is written with, all but its id (a test checks this is every other column).</summary>
    public static readonly string[] Written =
    [
        nameof(CustomerScore.CustomerId), nameof(CustomerScore.Kind), nameof(CustomerScore.ModelVersion), nameof(CustomerScore.Value),
        nameof(CustomerScore.Label), nameof(CustomerScore.ReasonsJson), nameof(CustomerScore.ScoredAt), nameof(CustomerScore.OriginCustomerId),
    ];

    /// <summary>An UPDATE sets every written column but the first two (customer and kind find the row).</summary>
    public static readonly int SetCount = Written.Length - 2;

    private readonly IProperty kind;
    private readonly IProperty scoredAt;

    public ScoreRowSql(ProfileStore store)
    {
        var (entity, table, quote) = BulkRows<CustomerScore>.Describe(store);
        Table = table;
        Column = property => quote(entity.FindProperty(property)!.GetColumnName());
        Insert = $"INSERT INTO {table} ({string.Join(", ", Written.Select(Column))}) VALUES ({string.Join(", ", Written.Select((_, i) => $"@p{i}"))})";
        Set = string.Join(", ", Written.Skip(2).Select((c, i) => $"{Column(c)} = @p{i}"));
        kind = entity.FindProperty(nameof(CustomerScore.Kind))!;
        scoredAt = entity.FindProperty(nameof(CustomerScore.ScoredAt))!;
    }

    public string Table { get; }

    /// <summary>The quoted column name of a <see cref="CustomerScore"/> property.</summary>
    public Func<string, string> Column { get; }

    /// <summary>The INSERT of every written column, @p0..@p7.</summary>
    public string Insert { get; }

    /// <summary>"ModelVersion = @p0, ..., OriginCustomerId = @p5": the values an UPDATE writes; its WHERE goes on from @p6.</summary>
    public string Set { get; }

    /// <summary>The kind as the provider stores it.</summary>
    public object Kind(ScoreKind value) => Converted(kind, value)!;

    /// <summary>The row's time as the provider stores it.</summary>
    public DateTime ScoredAt(CustomerScore row) => (DateTime)Converted(scoredAt, row.ScoredAt)!;

    private static object? Converted(IProperty property, object value) =>
        (property.GetValueConverter() ?? property.GetTypeMapping().Converter)?.ConvertToProvider(value) ?? value;

    /// <summary>
    /// The version and time last bound to one prepared statement: a pass writes one version at one time, so they are
    /// bound again only when they change (a statement keeps its bindings through a reset).
    /// </summary>
    public struct Bound
    {
        private string? version;
        private DateTime scoredAt;

        public void Bind(DirectSqliteStatement statement, int versionAt, int scoredAtAt, CustomerScore row, ScoreRowSql sql)
        {
            if (!ReferenceEquals(version, row.ModelVersion))
            {
                statement.Bind(versionAt, row.ModelVersion);
                version = row.ModelVersion;
            }
            var at = sql.ScoredAt(row);
            if (at != scoredAt || scoredAt == default)
            {
                statement.Bind(scoredAtAt, at);
                scoredAt = at;
            }
        }
    }
}
