using Microsoft.ML;
using Microsoft.ML.Data;

namespace Customer360Portal.Core.Predictions.Churn;

/// <summary>A numeric column: NaN marks a missing value.</summary>
public sealed record NumericColumn(string Name, float[] Values);

/// <summary>A categorical column: an empty string marks a missing value.</summary>
public sealed record CategoricalColumn(string Name, string[] Values);

/// <summary>
/// A labelled table of customers in memory (one row per customer): the common input of the churn model, whether it
/// comes from <see cref="ChurnFeatureBuilder"/> or from any CSV (<see cref="ChurnTableCsv"/>).
/// </summary>
public sealed class ChurnTable
{
    public ChurnTable(IReadOnlyList<string> ids, IReadOnlyList<bool> labels, IReadOnlyList<NumericColumn> numeric,
        IReadOnlyList<CategoricalColumn> categorical)
    {
        if (labels.Count != ids.Count || numeric.Any(c => c.Values.Length != ids.Count) || categorical.Any(c => c.Values.Length != ids.Count))
            throw new ArgumentException("Every column must have one value per row.");
        Ids = ids;
        Labels = labels;
        Numeric = numeric;
        Categorical = categorical;
    }

    public IReadOnlyList<string> Ids { get; }
    public IReadOnlyList<bool> Labels { get; }
    public IReadOnlyList<NumericColumn> Numeric { get; }
    public IReadOnlyList<CategoricalColumn> Categorical { get; }
    public int RowCount => Ids.Count;
    public int Positives => Labels.Count(l => l);

    public static ChurnTable FromFeatureRows(IReadOnlyList<ChurnFeatureRow> rows) => FromFeatureRows(rows, ChurnFeatureBuilder.FeatureNames);

    /// <summary>Rows whose features are in <paramref name="names"/> order (e.g. a <see cref="ChurnFeatureLayout"/>'s columns).</summary>
    public static ChurnTable FromFeatureRows(IReadOnlyList<ChurnFeatureRow> rows, IReadOnlyList<string> names)
    {
        var columns = names.Select((name, i) => new NumericColumn(name, rows.Select(r => r.Features[i]).ToArray())).ToList();
        return new ChurnTable(rows.Select(r => r.CustomerId).ToList(), rows.Select(r => r.Churned).ToList(), columns, []);
    }

    public ChurnTable Subset(IReadOnlyList<int> rows) => new(
        rows.Select(r => Ids[r]).ToList(), rows.Select(r => Labels[r]).ToList(),
        Numeric.Select(c => new NumericColumn(c.Name, rows.Select(r => c.Values[r]).ToArray())).ToList(),
        Categorical.Select(c => new CategoricalColumn(c.Name, rows.Select(r => c.Values[r]).ToArray())).ToList());

    /// <summary>The ML.NET column name of numeric column i (user column names may hold any characters).</summary>
    internal static string NumericColumnName(int i) => "n" + i;
    internal static string CategoricalColumnName(int i) => "c" + i;
    internal const string LabelColumnName = "Label";

    /// <summary>A read-only ML.NET view: Label (bool), n0.. (float), c0.. (text).</summary>
    internal IDataView ToDataView() => new TableDataView(this);

    private sealed class TableDataView : IDataView
    {
        private readonly ChurnTable table;

        public TableDataView(ChurnTable table)
        {
            this.table = table;
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(LabelColumnName, BooleanDataViewType.Instance);
            for (var i = 0; i < table.Numeric.Count; i++) builder.AddColumn(NumericColumnName(i), NumberDataViewType.Single);
            for (var i = 0; i < table.Categorical.Count; i++) builder.AddColumn(CategoricalColumnName(i), TextDataViewType.Instance);
            Schema = builder.ToSchema();
        }

        public bool CanShuffle => false;
        public DataViewSchema Schema { get; }
        public long? GetRowCount() => table.RowCount;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            [new Cursor(this)];

        private sealed class Cursor(TableDataView view) : DataViewRowCursor
        {
            private long position = -1;
            private bool disposed;

            public override DataViewSchema Schema => view.Schema;
            public override long Position => position;
            public override long Batch => 0;

            public override bool MoveNext()
            {
                if (disposed) return false;
                position++;
                if (position < view.table.RowCount) return true;
                position = view.table.RowCount;
                return false;
            }

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)position, 0);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                var table = view.table;
                if (column.Index == 0)
                {
                    ValueGetter<bool> label = (ref bool value) => value = table.Labels[(int)position];
                    return (ValueGetter<TValue>)(Delegate)label;
                }
                var index = column.Index - 1;
                if (index < table.Numeric.Count)
                {
                    var values = table.Numeric[index].Values;
                    ValueGetter<float> number = (ref float value) => value = values[(int)position];
                    return (ValueGetter<TValue>)(Delegate)number;
                }
                var texts = table.Categorical[index - table.Numeric.Count].Values;
                ValueGetter<ReadOnlyMemory<char>> text = (ref ReadOnlyMemory<char> value) => value = texts[(int)position].AsMemory();
                return (ValueGetter<TValue>)(Delegate)text;
            }

            protected override void Dispose(bool disposing)
            {
                disposed = true;
                base.Dispose(disposing);
            }
        }
    }
}
