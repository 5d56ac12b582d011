using System.Globalization;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Predictions.Churn;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>
/// The store's profiles as churn feature rows. Read set-based: one plain SQL pass over the interactions in storage
/// (id) order, not an index walk fetching every row at random, reading only the columns churn features need (orders,
/// returns, tickets with their reference and rating, emails, web visits and the rule's own activity or cancellation
/// types) into parallel arrays of numbers; then sorted by customer (by time, then id, within one), and each active
/// customer's history handed to <see cref="ChurnFeatureLayout.Row"/> for every requested cut-off on every core.
/// Memory: about 32 bytes per interaction read plus the rows. <see cref="FeatureRowsOneByOneAsync"/> is the earlier
/// reader (one customer at a time through EF), kept as the reference the set-based one is tested against.
/// Rows come out in ascending customer id order.
/// </summary>
internal static class ChurnPurchases
{
    public const string OrderPlaced = ChurnRule.OrderPlaced;

    /// <summary>How many customers have been read so far (reported every 1,000 or so).</summary>
    public delegate void ReadProgress(long customers);

    /// <summary>The type prefixes churn features read (<see cref="ChurnFeatureLayout"/>): orders, tickets, emails, web visits.</summary>
    private static readonly string[] FeatureTypePrefixes = ["order.", "ticket.", "email.", "page.", "screen.", "track:"];

    /// <summary>Customers built between two progress reports (and between two checks for cancellation).</summary>
    private const int BuildBlock = 20_000;

    public static async Task<List<ChurnFeatureRow>> FeatureRowsAsync(ProfileStore store, DateTime cutoff, ChurnRule rule,
        ChurnFeatureLayout layout, CancellationToken cancellationToken) =>
        (await FeatureRowsAsync(store, [cutoff], rule, layout, null, cancellationToken))[0];

    /// <summary>One list of rows per cut-off, read in one pass over the store.</summary>
    /// <param name="readers">How many connections scan the interactions at once (by id range); by default one per core
    /// on big file stores, one on small or in-memory ones.</param>
    /// <param name="direct">On SQLite, read through SQLitePCL rather than ADO.NET (tests compare the two).</param>
    public static async Task<List<ChurnFeatureRow>[]> FeatureRowsAsync(ProfileStore store, IReadOnlyList<DateTime> cutoffs, ChurnRule rule,
        ChurnFeatureLayout layout, ReadProgress? progress, CancellationToken cancellationToken, int? readers = null, bool direct = true)
    {
        // One span for reading and building, as the one-by-one reader had (the benchmark's "feature read and build").
        using var span = PredictionsTelemetry.Source.StartActivity(PredictionsTelemetry.FeatureRead);
        var (traits, consent) = await TraitsAndConsentAsync(store, rule, layout, cancellationToken);
        var events = await ReadEventsAsync(store, rule, readers, direct, cancellationToken);
        return Build(events, traits, consent, cutoffs, rule, layout, progress, cancellationToken);
    }

    /// <summary>The interactions churn features read, of active profiles, as parallel arrays in the store's id order.</summary>
    internal sealed class Events
    {
        public long[] Customers = new long[1 << 16];
        public long[] Ticks = new long[1 << 16];
        public long[] Amounts = new long[1 << 16];
        /// <summary>Index into <see cref="TypeNames"/>.</summary>
        public int[] Types = new int[1 << 16];
        /// <summary>Index into <see cref="TicketDetails"/> for tickets, else -1.</summary>
        public int[] Tickets = new int[1 << 16];
        public int Count;
        public readonly List<string> TypeNames = [];
        public readonly List<(string? Reference, int? Satisfaction)> TicketDetails = [];

        public void Add(long customer, long ticks, long amount, int type, int ticket)
        {
            if (Count == Customers.Length)
            {
                var size = Count * 2;
                Array.Resize(ref Customers, size);
                Array.Resize(ref Ticks, size);
                Array.Resize(ref Amounts, size);
                Array.Resize(ref Types, size);
                Array.Resize(ref Tickets, size);
            }
            (Customers[Count], Ticks[Count], Amounts[Count], Types[Count], Tickets[Count]) = (customer, ticks, amount, type, ticket);
            Count++;
        }

        /// <summary>The parts one after the other (id ranges in order), their type and ticket indexes made one.</summary>
        public static Events Join(IReadOnlyList<Events> parts)
        {
            if (parts.Count == 1) return parts[0];
            var joined = new Events();
            var typeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var part in parts)
            {
                var types = part.TypeNames.Select(name =>
                {
                    if (!typeIndex.TryGetValue(name, out var index))
                    {
                        typeIndex[name] = index = joined.TypeNames.Count;
                        joined.TypeNames.Add(name);
                    }
                    return index;
                }).ToArray();
                var ticketOffset = joined.TicketDetails.Count;
                joined.TicketDetails.AddRange(part.TicketDetails);
                for (var i = 0; i < part.Count; i++)
                    joined.Add(part.Customers[i], part.Ticks[i], part.Amounts[i], types[part.Types[i]], part.Tickets[i] < 0 ? -1 : part.Tickets[i] + ticketOffset);
            }
            return joined;
        }
    }

    /// <summary>Interactions per extra reader: below this a second connection costs more than it saves.</summary>
    private const long RowsPerReader = 250_000;

    private static async Task<Events> ReadEventsAsync(ProfileStore store, ChurnRule rule, int? readers, bool direct, CancellationToken cancellationToken)
    {
        // Active profiles first (one narrow pass): events of merged, restricted or erased profiles are skipped in memory,
        // which costs far less than a per-event lookup of the profile in SQL.
        var active = new HashSet<long>();
        await foreach (var id in store.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id)
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
            active.Add(id);

        // The rule's own types (logins, cancellations) besides what the features read.
        var extraTypes = rule.ActivityTypes.Append(rule.CancellationEventType).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var sql = EventsSql(store, extraTypes.Count);

        // The scan is cut into id ranges read at once on their own connections (the CPU goes into decoding rows), then
        // joined in id order. In-memory SQLite lives on its one connection: read there.
        var lastId = await store.Interactions.MaxAsync(i => (long?)i.Id, cancellationToken) ?? 0;
        var firstId = await store.Interactions.MinAsync(i => (long?)i.Id, cancellationToken) ?? 0;
        var count = readers ?? (int)Math.Clamp((lastId - firstId) / RowsPerReader, 1, Environment.ProcessorCount);
        var open = count > 1 ? SeparateConnections(store) : null;
        if (open is null) count = 1;
        var bounds = Enumerable.Range(0, count + 1).Select(i => firstId - 1 + (lastId - firstId + 1) * i / count).ToArray();
        var parts = count == 1
            ? [await ReadRangeAsync(store.Database.GetDbConnection(), sql, extraTypes, bounds[0], bounds[1], active, direct, cancellationToken)]
            : await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            {
                // Left closed: each path opens it (SQLite's direct read opens a connection of its own instead).
                await using var connection = open!();
                return await ReadRangeAsync(connection, sql, extraTypes, bounds[i], bounds[i + 1], active, direct, cancellationToken);
            }, cancellationToken)));
        return Events.Join(parts);
    }

    /// <summary>Opens new connections to the same store, or null for an in-memory SQLite store (one connection only).</summary>
    private static Func<System.Data.Common.DbConnection>? SeparateConnections(ProfileStore store)
    {
        var connectionString = store.Database.GetConnectionString();
        if (connectionString is null) return null;
        if (store.Database.IsSqlite())
        {
            var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
            if (source.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory || source.DataSource is "" or ":memory:") return null;
        }
        var factory = System.Data.Common.DbProviderFactories.GetFactory(store.Database.GetDbConnection());
        if (factory is null) return null;
        return () =>
        {
            var connection = factory.CreateConnection()!;
            connection.ConnectionString = connectionString;
            return connection;
        };
    }

    /// <summary>The interactions with ids in (after, upTo], of active profiles, with the types churn features read.</summary>
    private static async Task<Events> ReadRangeAsync(System.Data.Common.DbConnection connection, string sql, List<string> extraTypes, long after, long upTo,
        HashSet<long> active, bool direct, CancellationToken cancellationToken)
    {
        if (direct && connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            using var read = SqliteReadConnection.Open(sqlite);
            return ReadRangeSqlite(read, sql, extraTypes, after, upTo, active, cancellationToken);
        }
        return await ReadRangeAdoAsync(connection, sql, extraTypes, after, upTo, active, cancellationToken);
    }

    /// <summary>The interactions with ids in (after, upTo] through ADO.NET (SQL Server; SQLite's reference).</summary>
    private static async Task<Events> ReadRangeAdoAsync(System.Data.Common.DbConnection connection, string sql, List<string> extraTypes, long after, long upTo,
        HashSet<long> active, CancellationToken cancellationToken)
    {
        var events = new Events();
        // Each distinct type is judged once: its index in TypeNames, or -1 when churn features do not read it.
        var typeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int TypeIndex(string name)
        {
            if (typeIndex.TryGetValue(name, out var index)) return index;
            index = Wanted(name, extraTypes) ? events.TypeNames.Count : -1;
            if (index >= 0) events.TypeNames.Add(name);
            typeIndex[name] = index;
            return index;
        }

        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            void Add(string name, object value)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
            for (var i = 0; i < extraTypes.Count; i++) Add($"@t{i}", extraTypes[i]);
            Add("@after", after);
            Add("@upTo", upTo);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = 0;
            // Synchronous reads inside: SQLite has no async I/O, and a task per row would cost more than the row.
            while (reader.Read())
            {
                if (++rows % 65_536 == 0) cancellationToken.ThrowIfCancellationRequested();
                var customer = reader.GetInt64(0);
                if (!active.Contains(customer)) continue;
                var typeName = reader.GetString(1);
                var t = TypeIndex(typeName);
                if (t < 0) continue;
                var ticks = reader.GetDateTime(2).Ticks;
                var ticket = -1;
                if (typeName.StartsWith("ticket.", StringComparison.Ordinal))
                {
                    ticket = events.TicketDetails.Count;
                    var detail = reader.IsDBNull(5) ? null : reader.GetString(5);
                    events.TicketDetails.Add((reader.IsDBNull(4) ? null : reader.GetString(4), detail is null ? null : InteractionDetails.Read(detail).Satisfaction));
                }
                events.Add(customer, ticks, reader.IsDBNull(3) ? 0 : reader.GetInt64(3), t, ticket);
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
        return events;
    }

    /// <summary>
    /// <see cref="ReadRangeAsync"/> on SQLite, through SQLitePCL directly: the ADO.NET reader makes a string of every
    /// type and time it hands out (two per interaction, 15 million interactions at a million profiles); here both are
    /// read as the UTF-8 bytes SQLite holds, and a type is looked up by its bytes. Same rows as the ADO.NET reader (tested).
    /// </summary>
    private static Events ReadRangeSqlite(SqliteReadConnection connection, string sql, List<string> extraTypes, long after, long upTo,
        HashSet<long> active, CancellationToken cancellationToken)
    {
        var events = new Events();
        var typeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var typeNames = typeIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var chars = new char[128];
        int TypeIndex(ReadOnlySpan<byte> utf8)
        {
            var name = utf8.Length <= chars.Length ? chars.AsSpan(0, System.Text.Encoding.UTF8.GetChars(utf8, chars)) : System.Text.Encoding.UTF8.GetString(utf8).AsSpan();
            if (typeNames.TryGetValue(name, out var index)) return index;
            var text = name.ToString();
            index = Wanted(text, extraTypes) ? events.TypeNames.Count : -1;
            if (index >= 0) events.TypeNames.Add(text);
            typeIndex[text] = index;
            return index;
        }

        using var statement = new DirectSqliteStatement(connection, sql);
        for (var i = 0; i < extraTypes.Count; i++) statement.Bind($"@t{i}", extraTypes[i]);
        statement.Bind("@after", after);
        statement.Bind("@upTo", upTo);
        var rows = 0;
        while (statement.Read())
        {
            if (++rows % 65_536 == 0) cancellationToken.ThrowIfCancellationRequested();
            var customer = statement.Int64(0);
            if (!active.Contains(customer)) continue;
            var t = TypeIndex(statement.Utf8(1));
            if (t < 0) continue;
            var time = statement.Utf8(2);
            var ticks = SqliteTicks(time) ?? DateTime.Parse(System.Text.Encoding.UTF8.GetString(time), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks;
            var ticket = -1;
            if (events.TypeNames[t].StartsWith("ticket.", StringComparison.Ordinal))
            {
                ticket = events.TicketDetails.Count;
                var detail = statement.Text(5);
                events.TicketDetails.Add((statement.Text(4), detail is null ? null : InteractionDetails.Read(detail).Satisfaction));
            }
            events.Add(customer, ticks, statement.IsNull(3) ? 0 : statement.Int64(3), t, ticket);
        }
        return events;
    }

    /// <summary>Whether churn features read interactions of this type (or the rule names it).</summary>
    private static bool Wanted(string type, List<string> extraTypes) =>
        FeatureTypePrefixes.Any(p => type.StartsWith(p, StringComparison.Ordinal)) || extraTypes.Contains(type);

    /// <summary>
    /// The one scan: customer, type, time, amount, and reference and detail of tickets only, of the interactions whose
    /// type starts like a feature's (LIKE may ignore case, as SQLite's does: a superset, tested exactly in memory) or is
    /// one of the rule's types (parameters @t0, @t1...), with ids in (@after, @upTo], in id order (storage order: no sort).
    /// </summary>
    internal static string EventsSql(ProfileStore store, int extraTypeCount)
    {
        var (entity, table, quote) = BulkRows<Interaction>.Describe(store);
        string Column(string property) => quote(entity.FindProperty(property)!.GetColumnName());
        var type = Column(nameof(Interaction.Type));
        var filter = string.Join(" OR ", FeatureTypePrefixes.Select(p => $"{type} LIKE '{p}%'").Concat(Enumerable.Range(0, extraTypeCount).Select(i => $"{type} = @t{i}")));
        var ticket = $"{type} LIKE 'ticket.%'";
        return $"SELECT {Column(nameof(Interaction.CustomerId))}, {type}, {Column(nameof(Interaction.OccurredAt))}, {Column(nameof(Interaction.AmountMinor))}, " +
               $"CASE WHEN {ticket} THEN {Column(nameof(Interaction.Reference))} END, CASE WHEN {ticket} THEN {Column(nameof(Interaction.DetailJson))} END " +
               $"FROM {table} WHERE {Column(nameof(Interaction.Id))} > @after AND {Column(nameof(Interaction.Id))} <= @upTo AND ({filter}) ORDER BY {Column(nameof(Interaction.Id))}";
    }

    private static List<ChurnFeatureRow>[] Build(Events events, ByCustomer<TraitValue> traits, ByCustomer<ConsentChange> consent,
        IReadOnlyList<DateTime> cutoffs, ChurnRule rule, ChurnFeatureLayout layout, ReadProgress? progress, CancellationToken cancellationToken)
    {
        // Event positions grouped by customer, in read (id) order within one, then cut into customers; within one
        // customer, events go by time and then by id, as the (CustomerId, OccurredAt) index walk gave them.
        var (byCustomer, positions) = GroupByCustomer(events);
        var starts = new List<int>();
        for (var i = 0; i < byCustomer.Length; i++)
            if (i == 0 || byCustomer[i] != byCustomer[i - 1]) starts.Add(i);
        starts.Add(byCustomer.Length);
        var byTime = Comparer<int>.Create((a, b) => events.Ticks[a] != events.Ticks[b] ? events.Ticks[a].CompareTo(events.Ticks[b]) : a.CompareTo(b));
        bool InTimeOrder(int first, int end)
        {
            for (var s = first + 1; s < end; s++)
                if (events.Ticks[positions[s]] < events.Ticks[positions[s - 1]]) return false;
            return true;
        }

        var rows = cutoffs.Select(_ => new List<ChurnFeatureRow>()).ToArray();
        var customers = starts.Count - 1;
        // Customers are independent: each block is built in ranges on every core, the ranges kept in customer order.
        for (var blockStart = 0; blockStart < customers; blockStart += BuildBlock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var blockEnd = Math.Min(customers, blockStart + BuildBlock);
            var parts = Math.Max(1, Math.Min(Environment.ProcessorCount * 4, (blockEnd - blockStart) / 500));
            var built = new List<ChurnFeatureRow>[parts, cutoffs.Count];
            Parallel.For(0, parts, new ParallelOptions { CancellationToken = cancellationToken }, part =>
            {
                var from = blockStart + (int)((long)(blockEnd - blockStart) * part / parts);
                var to = blockStart + (int)((long)(blockEnd - blockStart) * (part + 1) / parts);
                for (var c = 0; c < cutoffs.Count; c++) built[part, c] = new List<ChurnFeatureRow>(to - from);
                for (var customer = from; customer < to; customer++)
                {
                    var (first, end) = (starts[customer], starts[customer + 1]);
                    // Mostly written as they happened: sorted already, and a sorted run needs no sort.
                    if (!InTimeOrder(first, end)) Array.Sort(positions, first, end - first, byTime);
                    var id = byCustomer[first];
                    var history = new CustomerHistory(CustomerKey(id));
                    history.Events.Capacity = end - first;
                    for (var s = first; s < end; s++)
                    {
                        var e = positions[s];
                        var (reference, satisfaction) = events.Tickets[e] < 0 ? (null, null) : events.TicketDetails[events.Tickets[e]];
                        history.Events.Add(new ActivityEvent(events.TypeNames[events.Types[e]], new DateTime(events.Ticks[e], DateTimeKind.Utc),
                            events.Amounts[e] / 100m, satisfaction, reference));
                    }
                    traits.CopyTo(id, history.Traits);
                    consent.CopyTo(id, history.EmailConsent);
                    for (var c = 0; c < cutoffs.Count; c++)
                        if (layout.Row(history, cutoffs[c], rule) is { } row) built[part, c].Add(row);
                }
            });
            for (var part = 0; part < parts; part++)
                for (var c = 0; c < cutoffs.Count; c++)
                    rows[c].AddRange(built[part, c]);
            progress?.Invoke(blockEnd);
        }
        if (customers == 0) progress?.Invoke(0);
        return rows;
    }

    /// <summary>
    /// The events' customers in ascending order, and beside each the event's position, in read order within a customer.
    /// Customer ids are dense in practice (the store numbers profiles): a counting sort, one pass to count and one to place;
    /// sparse ids fall back to a general sort of the same result.
    /// </summary>
    internal static (long[] Customers, int[] Positions) GroupByCustomer(Events events) => GroupByCustomer(events.Customers.AsSpan(0, events.Count));

    /// <inheritdoc cref="GroupByCustomer(Events)"/>
    internal static (long[] Customers, int[] Positions) GroupByCustomer(ReadOnlySpan<long> of)
    {
        var n = of.Length;
        var customers = new long[n];
        var positions = new int[n];
        if (n == 0) return (customers, positions);
        long low = long.MaxValue, high = long.MinValue;
        for (var i = 0; i < n; i++)
        {
            low = Math.Min(low, of[i]);
            high = Math.Max(high, of[i]);
        }
        if (high - low >= Math.Max(4L * n, 1L << 20))
        {
            of.CopyTo(customers);
            for (var i = 0; i < n; i++) positions[i] = i;
            // A stable order within a customer: sorted by (customer, position).
            var keys = new (long Customer, int Position)[n];
            for (var i = 0; i < n; i++) keys[i] = (customers[i], i);
            Array.Sort(keys);
            for (var i = 0; i < n; i++) (customers[i], positions[i]) = keys[i];
            return (customers, positions);
        }
        var next = new int[high - low + 2];
        for (var i = 0; i < n; i++) next[of[i] - low + 1]++;
        for (var c = 1; c < next.Length; c++) next[c] += next[c - 1];
        for (var i = 0; i < n; i++)
        {
            var at = next[of[i] - low]++;
            customers[at] = of[i];
            positions[at] = i;
        }
        return (customers, positions);
    }

    /// <summary>
    /// The reference reader: the interactions churn features read, streamed one customer at a time in (customer, time)
    /// order through the (CustomerId, OccurredAt) index with EF. Slow at a million profiles (an index walk fetching every
    /// row at random); kept so tests can check the set-based <see cref="FeatureRowsAsync(ProfileStore, IReadOnlyList{DateTime}, ChurnRule, ChurnFeatureLayout, ReadProgress?, CancellationToken)"/> gives the same rows.
    /// </summary>
    public static async Task<List<ChurnFeatureRow>[]> FeatureRowsOneByOneAsync(ProfileStore store, IReadOnlyList<DateTime> cutoffs, ChurnRule rule,
        ChurnFeatureLayout layout, CancellationToken cancellationToken)
    {
        var (traits, consent) = await TraitsAndConsentAsync(store, rule, layout, cancellationToken);
        // The rule's own types (logins, cancellations) besides what the features read.
        var extraTypes = rule.ActivityTypes.Append(rule.CancellationEventType).OfType<string>().Distinct().ToList();
        var events = store.Interactions.AsNoTracking()
            .Where(i => (i.Type.StartsWith("order.") || i.Type.StartsWith("ticket.") || i.Type.StartsWith("email.") ||
                         i.Type.StartsWith("page.") || i.Type.StartsWith("screen.") || i.Type.StartsWith("track:") || extraTypes.Contains(i.Type)) &&
                        store.Customers.Any(c => c.Id == i.CustomerId && c.Status == CustomerStatus.Active))
            .OrderBy(i => i.CustomerId).ThenBy(i => i.OccurredAt)
            .Select(i => new
            {
                i.CustomerId, i.Type, i.OccurredAt, i.AmountMinor,
                // Only tickets need their reference (to follow one ticket's state) and their rating.
                Reference = i.Type.StartsWith("ticket.") ? i.Reference : null,
                DetailJson = i.Type.StartsWith("ticket.") ? i.DetailJson : null,
            });

        var rows = cutoffs.Select(_ => new List<ChurnFeatureRow>()).ToArray();
        CustomerHistory? history = null;
        var currentId = 0L;
        void Flush()
        {
            if (history is null) return;
            traits.CopyTo(currentId, history.Traits);
            consent.CopyTo(currentId, history.EmailConsent);
            for (var c = 0; c < cutoffs.Count; c++)
                if (layout.Row(history, cutoffs[c], rule) is { } row) rows[c].Add(row);
            history = null;
        }
        await foreach (var e in events.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (history is null || e.CustomerId != currentId)
            {
                Flush();
                currentId = e.CustomerId;
                history = new CustomerHistory(CustomerKey(e.CustomerId));
            }
            var satisfaction = e.DetailJson is null ? null : InteractionDetails.Read(e.DetailJson).Satisfaction;
            history.Events.Add(new ActivityEvent(e.Type, Utc(e.OccurredAt), (e.AmountMinor ?? 0) / 100m, satisfaction, e.Reference));
        }
        Flush();
        return rows;
    }

    /// <summary>
    /// The layout's traits (and the rule's cancellation trait) and the email-consent changes, read once, ordered by
    /// customer, into compact lists rather than per-customer dictionaries (a million profiles).
    /// </summary>
    private static async Task<(ByCustomer<TraitValue> Traits, ByCustomer<ConsentChange> Consent)> TraitsAndConsentAsync(ProfileStore store,
        ChurnRule rule, ChurnFeatureLayout layout, CancellationToken cancellationToken)
    {
        var traitKeys = layout.TraitKeys.Append(rule.CancellationTraitKey).OfType<string>().Distinct().ToList();
        var traits = new ByCustomer<TraitValue>();
        if (traitKeys.Count > 0)
            await foreach (var t in store.Traits.AsNoTracking().Where(t => traitKeys.Contains(t.Key)).OrderBy(t => t.CustomerId)
                               .Select(t => new { t.CustomerId, t.Key, t.Value, t.UpdatedAt }).AsAsyncEnumerable().WithCancellation(cancellationToken))
                traits.Add(t.CustomerId, new TraitValue(t.Key, t.Value, Utc(t.UpdatedAt)));
        var consent = new ByCustomer<ConsentChange>();
        await foreach (var c in store.ConsentEvents.AsNoTracking().Where(e => e.Purpose == ConsentPurpose.EmailMarketing).OrderBy(e => e.CustomerId)
                           .Select(e => new { e.CustomerId, e.Status, e.EffectiveAt }).AsAsyncEnumerable().WithCancellation(cancellationToken))
            consent.Add(c.CustomerId, new ConsentChange(c.Status == ConsentStatus.Granted, Utc(c.EffectiveAt)));
        return (traits, consent);
    }

    /// <summary>The configured traits' values (set before the cut-off) with their counts, for <see cref="ChurnFeatureLayout.TraitColumns"/>.</summary>
    public static async Task<Dictionary<string, IReadOnlyList<(string Value, int Count)>>> TraitValuesAsync(ProfileStore store,
        IReadOnlyList<string> keys, DateTime cutoff, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyList<(string Value, int Count)>>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            var counts = await store.Traits.AsNoTracking().Where(t => t.Key == key && t.UpdatedAt < cutoff)
                .GroupBy(t => t.Value).Select(g => new { g.Key, Count = g.Count() })
                .OrderByDescending(g => g.Count).Take(200).ToListAsync(cancellationToken);
            result[key] = counts.Select(c => (c.Key, c.Count)).ToList();
        }
        return result;
    }

    /// <summary>Values added in customer order, looked up by customer (a binary search: safe from several threads once filled).</summary>
    private sealed class ByCustomer<T>
    {
        private readonly List<long> ids = [];
        private readonly List<T> values = [];

        public void Add(long customerId, T value)
        {
            ids.Add(customerId);
            values.Add(value);
        }

        /// <summary>The customer's values, in the order they were added.</summary>
        public void CopyTo(long customerId, List<T> target)
        {
            // The first position holding this customer or a later one.
            int low = 0, high = ids.Count;
            while (low < high)
            {
                var middle = low + (high - low) / 2;
                if (ids[middle] < customerId) low = middle + 1;
                else high = middle;
            }
            for (var i = low; i < ids.Count && ids[i] == customerId; i++) target.Add(values[i]);
        }
    }

    /// <summary>A stored time (UTC, as the store's converter reads it) from its SQLite text, as <see cref="SqliteTicks"/> reads it, else by the general parser.</summary>
    internal static DateTime SqliteTime(ReadOnlySpan<byte> text) => new(SqliteTicks(text) ?? DateTime.Parse(System.Text.Encoding.UTF8.GetString(text),
        CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks, DateTimeKind.Utc);

    /// <summary>
    /// Ticks of a timestamp as EF Core writes it to SQLite ("yyyy-MM-dd HH:mm:ss" and an optional ".fffffff"), read
    /// without the general date parser (the costliest part of reading millions of events); null for any other shape.
    /// </summary>
    internal static long? SqliteTicks(ReadOnlySpan<byte> s)
    {
        if (s.Length < 19 || s[4] != (byte)'-' || s[7] != (byte)'-' || s[10] is not ((byte)' ' or (byte)'T') || s[13] != (byte)':' || s[16] != (byte)':') return null;
        if (!Digits(s[..4], out var year) || !Digits(s[5..7], out var month) || !Digits(s[8..10], out var day) || !Digits(s[11..13], out var hour)
            || !Digits(s[14..16], out var minute) || !Digits(s[17..19], out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return null;
        var ticks = new DateTime(year, month, day, hour, minute, second).Ticks;
        if (s.Length == 19) return ticks;
        var fraction = s[20..];
        if (s[19] != (byte)'.' || fraction.Length is 0 or > 7 || !Digits(fraction, out var digits)) return null;
        for (var i = fraction.Length; i < 7; i++) digits *= 10;
        return ticks + digits;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static string CustomerKey(long customerId) => customerId.ToString(CultureInfo.InvariantCulture);

    public static long CustomerId(string key) => long.Parse(key, CultureInfo.InvariantCulture);
}
