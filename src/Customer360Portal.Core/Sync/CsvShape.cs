using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.Sync;

/// <summary>
/// The JSON shape a CSV header describes, and the record it makes of each row. Header names are field paths of
/// RecordFormats.md, case-sensitive: <c>email</c>, <c>address.city</c> (a nested object), <c>lines[0].sku</c> (an array
/// of objects; indices order the elements and need not be contiguous), <c>traits.plan</c>. A row becomes one JSON
/// object whose values are the cells as strings; an empty or blank cell is left out (missing), and an object or array
/// element with no cell left is left out too, so unused <c>lines[4].*</c> columns add nothing. The one exception is
/// <c>lines[i].quantity</c> of an order, which intake requires as a JSON number: a whole-number cell there is written as
/// a number (anything else stays a string, so intake quarantines it with its reason). Every other cell stays text,
/// so ids, account numbers, postcodes and phones keep their leading zeros; intake parses amounts from decimal strings.
/// </summary>
internal sealed class CsvShape
{
    /// <summary>Largest index a header may use (<c>lines[9999].sku</c>).</summary>
    private const int MaxIndex = 9_999;

    /// <summary>The field every record of a kind needs (its external id); a header without it is unusable.</summary>
    private static readonly Dictionary<string, string> IdFields = new(StringComparer.Ordinal)
    {
        [RecordKinds.Contact] = "id",
        [RecordKinds.Order] = "orderNumber",
        [RecordKinds.Ticket] = "ticketId",
        [RecordKinds.EmailEvent] = "eventId",
        [RecordKinds.WebEvent] = "messageId",
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // As intake stores normalised records: "+44..." and accented names stay readable in the stored payload.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ObjectNode root;

    private CsvShape(ObjectNode root, int columns)
    {
        this.root = root;
        Columns = columns;
    }

    /// <summary>The number of columns of the header: every row must have exactly as many cells.</summary>
    public int Columns { get; }

    /// <summary>
    /// Reads the header from the reader's current record. Throws <see cref="DropFileRejectedException"/> with a reason
    /// that names columns by number only: a file without a header row has a data row there, and its cells are values.
    /// </summary>
    public static CsvShape FromHeader(CsvReader reader, string kind)
    {
        var root = new ObjectNode(0);
        for (var column = 0; column < reader.FieldCount; column++)
        {
            var number = column + 1;
            var name = (reader.GetString(column) ?? "").Trim();
            if (name.Length == 0) throw Unusable($"column {number} of the header has no name");
            if (!TryParsePath(name, out var steps)) throw Unusable($"column {number} of the header is not a field path (like email, address.city or lines[0].sku)");
            Add(root, steps, column, kind);
        }
        if (IdFields.TryGetValue(kind, out var idField) && root.Find(idField) is not LeafNode)
            throw Unusable($"the header has no {idField} column, which {kind} records need");
        return new CsvShape(root, reader.FieldCount);
    }

    private static DropFileRejectedException Unusable(FormattableString reason) => new(FormattableString.Invariant(reason));

    /// <summary>The current row as a UTF-8 JSON object. The row must have <see cref="Columns"/> cells of valid UTF-8.</summary>
    public byte[] ToJson(CsvReader reader)
    {
        var filled = new bool[Columns];
        for (var column = 0; column < Columns; column++) filled[column] = !IsBlank(reader.GetSpan(column));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, root, reader, filled);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Whether every cell of the current row is empty or blank (an empty line as spreadsheets export it).</summary>
    public static bool IsBlankRow(CsvReader reader)
    {
        for (var column = 0; column < reader.FieldCount; column++)
        {
            if (!IsBlank(reader.GetSpan(column))) return false;
        }
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> cell) => cell.TrimStart(" \t\r\n"u8).IsEmpty;

    private static void Write(Utf8JsonWriter writer, Node node, CsvReader reader, bool[] filled)
    {
        switch (node)
        {
            case ObjectNode obj:
                writer.WriteStartObject();
                foreach (var (name, member) in obj.Members)
                {
                    if (!member.HasValue(filled)) continue;
                    writer.WritePropertyName(name);
                    Write(writer, member, reader, filled);
                }
                writer.WriteEndObject();
                break;
            case ArrayNode array:
                writer.WriteStartArray();
                foreach (var element in array.Elements)
                {
                    if (element.HasValue(filled)) Write(writer, element, reader, filled);
                }
                writer.WriteEndArray();
                break;
            case LeafNode leaf:
                var cell = reader.GetSpan(leaf.Column);
                if (leaf.WholeNumber && TryWholeNumber(cell, out var number)) writer.WriteNumberValue(number);
                else writer.WriteStringValue(cell);
                break;
        }
    }

    /// <summary>An optionally signed integer without fraction, exponent or separators (spaces around it allowed).</summary>
    private static bool TryWholeNumber(ReadOnlySpan<byte> cell, out long number) =>
        long.TryParse(cell.Trim(" \t"u8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);

    // ---------------------------------------------------------------- header paths

    private readonly record struct Step(string? Name, int Index);

    /// <summary>"lines[0].sku" → lines, [0], sku. Names are non-empty and free of '.', '[' and ']'.</summary>
    private static bool TryParsePath(string path, out List<Step> steps)
    {
        steps = [];
        var position = 0;
        while (true)
        {
            var end = path.AsSpan(position).IndexOfAny('.', '[', ']');
            var name = end < 0 ? path[position..] : path.Substring(position, end);
            if (name.Length == 0) return false;
            steps.Add(new Step(name, -1));
            position = end < 0 ? path.Length : position + end;
            while (position < path.Length && path[position] == '[')
            {
                var close = path.IndexOf(']', position);
                if (close < 0 || close - position - 1 is < 1 or > 4) return false;
                var digits = path.AsSpan(position + 1, close - position - 1);
                if (digits.ContainsAnyExceptInRange('0', '9')) return false;
                var index = int.Parse(digits, CultureInfo.InvariantCulture);
                if (index > MaxIndex) return false;
                steps.Add(new Step(null, index));
                position = close + 1;
            }
            if (position == path.Length) return true;
            if (path[position] != '.') return false;
            position++;
        }
    }

    private static void Add(ObjectNode root, List<Step> steps, int column, string kind)
    {
        Node parent = root;
        for (var i = 0; i < steps.Count; i++)
        {
            var last = i == steps.Count - 1;
            var next = last ? null : (Step?)steps[i + 1];
            Node Create() => last
                ? new LeafNode(column, wholeNumber: kind == RecordKinds.Order && IsLineQuantity(steps))
                : next!.Value.Name is null ? new ArrayNode(column) : new ObjectNode(column);
            var existing = parent switch
            {
                ObjectNode obj => obj.Find(steps[i].Name!),
                ArrayNode array => array.Find(steps[i].Index),
                _ => null,
            };
            if (existing is null)
            {
                existing = Create();
                if (parent is ObjectNode obj) obj.Add(steps[i].Name!, existing);
                else ((ArrayNode)parent).Add(steps[i].Index, existing);
            }
            else if (last || existing is LeafNode || (existing is ArrayNode) != (next!.Value.Name is null))
            {
                // The same path twice, or a path that makes a value of what another makes an object or array.
                throw Unusable($"column {column + 1} of the header repeats or contradicts column {existing.FirstColumn + 1}");
            }
            existing.Columns.Add(column);
            parent = existing;
        }
    }

    private static bool IsLineQuantity(List<Step> steps) =>
        steps is [{ Name: "lines" }, { Name: null }, { Name: "quantity" }];

    private abstract class Node(int firstColumn)
    {
        public int FirstColumn { get; } = firstColumn;
        /// <summary>The columns of the leaves at or below this node.</summary>
        public List<int> Columns { get; } = [];

        public bool HasValue(bool[] filled)
        {
            foreach (var column in Columns)
            {
                if (filled[column]) return true;
            }
            return false;
        }
    }

    private sealed class LeafNode(int column, bool wholeNumber) : Node(column)
    {
        public int Column { get; } = column;
        public bool WholeNumber { get; } = wholeNumber;
    }

    private sealed class ObjectNode(int firstColumn) : Node(firstColumn)
    {
        private readonly Dictionary<string, Node> byName = new(StringComparer.Ordinal);

        /// <summary>In header order.</summary>
        public List<(string Name, Node Node)> Members { get; } = [];

        public Node? Find(string name) => byName.GetValueOrDefault(name);

        public void Add(string name, Node node)
        {
            byName.Add(name, node);
            Members.Add((name, node));
        }
    }

    private sealed class ArrayNode(int firstColumn) : Node(firstColumn)
    {
        private readonly SortedList<int, Node> byIndex = [];

        /// <summary>By index, ascending.</summary>
        public IList<Node> Elements => byIndex.Values;

        public Node? Find(int index) => byIndex.GetValueOrDefault(index);

        public void Add(int index, Node node) => byIndex.Add(index, node);
    }
}
