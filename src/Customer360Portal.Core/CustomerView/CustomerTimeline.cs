using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.CustomerView;

/// <summary>What kind of row a timeline entry comes from.</summary>
public enum TimelineEntryKind { Interaction = 0, Note = 1, Consent = 2, Merge = 3, Unmerge = 4, OfferAnswer = 5 }

/// <summary>The groups of interaction types agents filter by.</summary>
public enum TimelineCategory { Orders, Tickets, Email, Web, Notes, Consent, Merges, Offers, Other }

/// <summary>What the agent narrowed the timeline to; empty sets and null bounds mean "everything".</summary>
public sealed record TimelineFilter
{
    public static TimelineFilter All { get; } = new();

    public IReadOnlySet<InteractionChannel> Channels { get; init; } = new HashSet<InteractionChannel>();
    public IReadOnlySet<TimelineCategory> Categories { get; init; } = new HashSet<TimelineCategory>();
    /// <summary>First day shown (inclusive, UTC).</summary>
    public DateOnly? From { get; init; }
    /// <summary>Last day shown (inclusive, UTC).</summary>
    public DateOnly? To { get; init; }
    /// <summary>Words to find in the summary, type, reference or note text (case-insensitive).</summary>
    public string? Text { get; init; }

    public bool IsEmpty => Channels.Count == 0 && Categories.Count == 0 && From is null && To is null && string.IsNullOrWhiteSpace(Text);
}

/// <summary>One line of the unified timeline.</summary>
public sealed record TimelineEntry(TimelineEntryKind Kind, long Id, DateTime OccurredAt, string Type, TimelineCategory Category,
    InteractionChannel Channel, string Summary, string SourceKey, long? SourceRecordId, long? AmountMinor, string? Currency, string? Reference,
    int? Satisfaction)
{
    /// <summary>Stable across pages and reloads: the kind and the row id.</summary>
    public string Key => $"{(int)Kind}-{Id.ToString(CultureInfo.InvariantCulture)}";
}

public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Items, int Total);

/// <summary>How many entries of each channel and category a profile has, for the filter chips.</summary>
public sealed record TimelineFacets(IReadOnlyDictionary<InteractionChannel, int> Channels, IReadOnlyDictionary<TimelineCategory, int> Categories, int Total);

/// <summary>A field of a source record as the viewer may see it.</summary>
public sealed record SourceField(string Name, string Value);

/// <summary>The record a timeline entry came from, as the source sent it (normalised), masked for the viewer.</summary>
public sealed record SourceRecordView(long Id, string SourceKey, string Kind, string ExternalId, DateTime OccurredAt, DateTime ReceivedAt,
    IReadOnlyList<SourceField> Fields, string? RawPayload);

public sealed record TimelineDetail(TimelineEntry Entry, IReadOnlyList<SourceField> Facts, SourceRecordView? Source);

/// <summary>
/// One customer's unified timeline: interactions from every source, agent notes, consent changes and merges in one
/// newest-first stream, filtered in the database and read a page at a time (the page virtualises 10,000+ entries).
/// Notes, consent, merges and answers to offers stay in their own tables and are joined in with UNION ALL, so nothing is stored twice.
/// </summary>
public sealed class CustomerTimeline(IDbContextFactory<ProfileStore> stores, AuditLog audit)
{
    private const int NoteSummaryLength = 200;

    private static readonly (TimelineCategory Category, string[] Prefixes, string[] Exact)[] TypeGroups =
    [
        (TimelineCategory.Orders, ["order."], []),
        (TimelineCategory.Tickets, ["ticket."], []),
        (TimelineCategory.Email, ["email."], []),
        (TimelineCategory.Web, ["page.", "screen.", "track:"], ["identify", "alias", "group"]),
    ];

    public static TimelineCategory CategoryOf(string type)
    {
        foreach (var (category, prefixes, exact) in TypeGroups)
            if (prefixes.Any(p => type.StartsWith(p, StringComparison.Ordinal)) || exact.Contains(type)) return category;
        return TimelineCategory.Other;
    }

    public async Task<TimelinePage> PageAsync(long customerId, TimelineFilter filter, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var keys = Keys(store, customerId, filter);
        if (keys is null) return new TimelinePage([], 0);
        var page = await keys.OrderByDescending(k => k.OccurredAt).ThenByDescending(k => k.Kind).ThenByDescending(k => k.Id)
            .Skip(skip).Take(take).ToListAsync(cancellationToken);
        // The count is only worth a second query when the page is not the whole story.
        var total = skip == 0 && page.Count < take ? page.Count : await keys.CountAsync(cancellationToken);
        var rows = await RowsAsync(store, customerId, page, cancellationToken);
        return new TimelinePage(page.Select(k => rows.GetValueOrDefault((k.Kind, k.Id))).OfType<Row>().Select(ToEntry).ToList(), total);
    }

    /// <summary>The customer's journey through lifecycle stages, from every interaction they had (three columns each).</summary>
    public async Task<JourneyMapData> JourneyAsync(long customerId, DateTime now, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var touchpoints = await store.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId)
            .Select(i => new JourneyTouchpoint(i.OccurredAt, i.Type, i.Channel, null)).ToListAsync(cancellationToken);
        return JourneyMap.Build(touchpoints, now);
    }

    /// <summary>The page query's SQL, for checking it against other providers' grammar in tests.</summary>
    internal static string PageSql(ProfileStore store, long customerId, TimelineFilter filter, int skip, int take) =>
        Keys(store, customerId, filter)!.OrderByDescending(k => k.OccurredAt).ThenByDescending(k => k.Kind).ThenByDescending(k => k.Id)
            .Skip(skip).Take(take).ToQueryString();

    public async Task<TimelineFacets> FacetsAsync(long customerId, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var byType = await store.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId)
            .GroupBy(i => new { i.Channel, i.Type }).Select(g => new { g.Key.Channel, g.Key.Type, Count = g.Count() }).ToListAsync(cancellationToken);
        var notes = await store.Notes.CountAsync(n => n.CustomerId == customerId, cancellationToken);
        var consent = await store.ConsentEvents.CountAsync(c => c.CustomerId == customerId, cancellationToken);
        var merges = await store.Merges.CountAsync(m => m.SurvivorId == customerId, cancellationToken)
            + await store.Merges.CountAsync(m => m.SurvivorId == customerId && m.UndoneAt != null, cancellationToken);
        var offers = await store.OfferFeedback.CountAsync(f => f.CustomerId == customerId, cancellationToken);

        var channels = byType.GroupBy(t => t.Channel).ToDictionary(g => g.Key, g => g.Sum(t => t.Count));
        var categories = byType.GroupBy(t => CategoryOf(t.Type)).ToDictionary(g => g.Key, g => g.Sum(t => t.Count));
        void Add<TKey>(Dictionary<TKey, int> counts, TKey key, int count) where TKey : notnull
        {
            if (count > 0) counts[key] = counts.GetValueOrDefault(key) + count;
        }
        Add(channels, InteractionChannel.Agent, notes + offers);
        Add(channels, InteractionChannel.System, consent + merges);
        Add(categories, TimelineCategory.Notes, notes);
        Add(categories, TimelineCategory.Consent, consent);
        Add(categories, TimelineCategory.Merges, merges);
        Add(categories, TimelineCategory.Offers, offers);
        return new TimelineFacets(channels, categories, byType.Sum(t => t.Count) + notes + consent + merges + offers);
    }

    /// <summary>One entry with its facts and the source record behind it; opening a source record is audited.</summary>
    public async Task<TimelineDetail?> DetailAsync(long customerId, TimelineEntryKind kind, long id, ProfileMasking masking, AuditActor actor,
        CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var rows = await RowsAsync(store, customerId, [new Key { Kind = (int)kind, Id = id }], cancellationToken);
        if (rows.GetValueOrDefault(((int)kind, id)) is not { } row) return null;
        var entry = ToEntry(row);

        var facts = new List<SourceField>();
        switch (kind)
        {
            case TimelineEntryKind.Note:
                var note = await store.Notes.AsNoTracking().SingleAsync(n => n.Id == id, cancellationToken);
                facts.Add(new("Note", note.Text));
                if (note.FollowUpDueAt is { } due) facts.Add(new("Follow-up due", due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                if (note.CompletedAt is { } done) facts.Add(new("Completed", done.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
                break;
            case TimelineEntryKind.Consent:
                var consent = await store.ConsentEvents.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken);
                facts.Add(new("Lawful basis", consent.LawfulBasis.ToString()));
                if (consent.Evidence is { Length: > 0 } evidence) facts.Add(new("Evidence", evidence));
                if (consent.Reason is { Length: > 0 } reason) facts.Add(new("Reason", reason));
                if (consent.ExpiresAt is { } expires) facts.Add(new("Expires", expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                facts.Add(new("Recorded", consent.RecordedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
                break;
            case TimelineEntryKind.OfferAnswer:
                var answer = await store.OfferFeedback.AsNoTracking().SingleAsync(f => f.Id == id, cancellationToken);
                facts.Add(new("Offer", answer.OfferCode));
                facts.Add(new("Answer", answer.Outcome.ToString()));
                if (answer.ModelVersion is { } version) facts.Add(new("Model", version));
                break;
            case TimelineEntryKind.Merge or TimelineEntryKind.Unmerge:
                var merge = await store.Merges.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
                facts.Add(new("Rule", merge.Rule));
                if (merge.MatchWeight is { } weight) facts.Add(new("Match weight", weight.ToString("0.0", CultureInfo.InvariantCulture)));
                break;
        }
        if (entry.Reference is { Length: > 0 } reference) facts.Add(new("Reference", reference));
        if (entry.AmountMinor is { } amount) facts.Add(new("Amount", Money.Format(amount, entry.Currency)));
        if (entry.Satisfaction is { } rating) facts.Add(new("Satisfaction", $"{rating} of 5"));

        SourceRecordView? source = null;
        if (entry.SourceRecordId is { } recordId
            && await store.SourceRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == recordId, cancellationToken) is { } record)
        {
            source = new SourceRecordView(record.Id, record.SourceKey, record.Kind, record.ExternalId, record.OccurredAt, record.ReceivedAt,
                NormalisedFields(record.NormalizedJson, masking),
                // The payload as received carries every value in clear: only a viewer who may see all of them gets it.
                masking.MasksAnything ? null : record.PayloadJson);
            await audit.WriteAsync(actor, "source-record.viewed", "customer", customerId.ToString(CultureInfo.InvariantCulture),
                $"record {record.Id.ToString(CultureInfo.InvariantCulture)} from {record.SourceKey}", cancellationToken);
        }
        return new TimelineDetail(entry, facts, source);
    }

    /// <summary>The non-empty fields of a normalised record, masked for the viewer.</summary>
    internal static List<SourceField> NormalisedFields(string normalisedJson, ProfileMasking masking)
    {
        var record = JsonSerializer.Deserialize(normalisedJson, IntakeJson.Storage.NormalisedRecord);
        if (record is null) return [];
        var fields = new List<SourceField>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) fields.Add(new SourceField(name, value));
        }
        Add("Type", record.InteractionType);
        Add("Summary", record.Summary);
        Add("Reference", record.Reference);
        Add("Given name", record.GivenName);
        Add("Family name", record.FamilyName);
        Add("Email", masking.Email(record.Email));
        Add("Phone", masking.Phone(record.Phone));
        Add("Date of birth", masking.DateOfBirth(record.DateOfBirth));
        Add("Address", masking.Address(record.AddressLine));
        Add("City", record.City);
        Add("Postcode", masking.Shows(SensitiveField.Address) ? record.Postcode : record.Postcode is null ? null : "***");
        Add("Country", record.Country);
        Add("Account id", record.AccountId);
        Add("Loyalty number", record.LoyaltyNumber);
        Add("Anonymous id", record.AnonymousId);
        if (record.AmountMinor is { } amount) Add("Amount", Money.Format(amount, record.Currency));
        if (record.Satisfaction is { } rating) Add("Satisfaction", $"{rating} of 5");
        foreach (var (key, value) in record.Traits.OrderBy(t => t.Key, StringComparer.Ordinal)) Add($"Trait {key}", value);
        return fields;
    }

    /// <summary>
    /// What the UNION ALL pages over. Only numbers and times: an enum or constant column there would take its type from
    /// the first part of the union and be misread in the others (enums are stored as text).
    /// </summary>
    private sealed class Key
    {
        public int Kind { get; init; }
        public long Id { get; init; }
        public DateTime OccurredAt { get; init; }
    }

    /// <summary>One entry's columns, read per table for the keys of a page.</summary>
    private sealed class Row
    {
        public int Kind { get; init; }
        public long Id { get; init; }
        public DateTime OccurredAt { get; init; }
        public string Type { get; init; } = "";
        /// <summary>Null on rows that are not interactions (notes are the agent's, the rest the system's).</summary>
        public InteractionChannel? Channel { get; init; }
        public string? Summary { get; init; }
        public string SourceKey { get; init; } = "";
        public long? SourceRecordId { get; init; }
        public long? AmountMinor { get; init; }
        public string? Currency { get; init; }
        public string? Reference { get; init; }
        public string? DetailJson { get; init; }
        /// <summary>The other profile of a merge.</summary>
        public long? Related { get; init; }
        public ConsentPurpose? Purpose { get; init; }
        public ConsentStatus? Status { get; init; }
    }

    /// <summary>The keys of every entry the filter admits, as one UNION ALL query; null when it admits no part at all.</summary>
    private static IQueryable<Key>? Keys(ProfileStore store, long customerId, TimelineFilter filter)
    {
        DateTime? from = filter.From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        DateTime? before = filter.To?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var text = string.IsNullOrWhiteSpace(filter.Text) ? null : filter.Text.Trim();
        var pattern = text is null ? null : Like.Containing(text);
        bool Admits(TimelineCategory category, InteractionChannel channel) =>
            (filter.Categories.Count == 0 || filter.Categories.Contains(category)) && (filter.Channels.Count == 0 || filter.Channels.Contains(channel));
        bool Mentions(params string[] words) => text is null || words.Any(w => w.Contains(text, StringComparison.OrdinalIgnoreCase));

        var parts = new List<IQueryable<Key>>();
        TimelineCategory[] interactionCategories = [TimelineCategory.Orders, TimelineCategory.Tickets, TimelineCategory.Email, TimelineCategory.Web, TimelineCategory.Other];
        var wanted = filter.Categories.Count == 0 ? [.. interactionCategories] : interactionCategories.Where(filter.Categories.Contains).ToList();
        if (wanted.Count > 0)
        {
            var interactions = store.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId);
            if (wanted.Count < interactionCategories.Length) interactions = interactions.Where(CategoryPredicate(wanted));
            if (filter.Channels.Count > 0)
            {
                var channels = filter.Channels.ToList();
                interactions = interactions.Where(i => channels.Contains(i.Channel));
            }
            if (from is { } f) interactions = interactions.Where(i => i.OccurredAt >= f);
            if (before is { } b) interactions = interactions.Where(i => i.OccurredAt < b);
            if (pattern is not null)
                interactions = interactions.Where(i => EF.Functions.Like(i.Summary, pattern, Like.EscapeCharacter) || EF.Functions.Like(i.Type, pattern, Like.EscapeCharacter)
                    || (i.Reference != null && EF.Functions.Like(i.Reference, pattern, Like.EscapeCharacter)));
            parts.Add(interactions.Select(i => new Key { Kind = (int)TimelineEntryKind.Interaction, Id = i.Id, OccurredAt = i.OccurredAt }));
        }
        if (Admits(TimelineCategory.Notes, InteractionChannel.Agent))
        {
            var notes = store.Notes.AsNoTracking().Where(n => n.CustomerId == customerId);
            if (from is { } f) notes = notes.Where(n => n.CreatedAt >= f);
            if (before is { } b) notes = notes.Where(n => n.CreatedAt < b);
            if (pattern is not null && !Mentions("note")) notes = notes.Where(n => EF.Functions.Like(n.Text, pattern, Like.EscapeCharacter));
            parts.Add(notes.Select(n => new Key { Kind = (int)TimelineEntryKind.Note, Id = n.Id, OccurredAt = n.CreatedAt }));
        }
        if (Admits(TimelineCategory.Consent, InteractionChannel.System))
        {
            // Consent entries are worded from their purpose and status, so the text is matched against those words.
            var purposes = Enum.GetValues<ConsentPurpose>().Where(p => Mentions("consent", PurposeText(p))).ToList();
            var statuses = Enum.GetValues<ConsentStatus>().Where(s => Mentions(s.ToString())).ToList();
            if (purposes.Count > 0 || statuses.Count > 0)
            {
                var consent = store.ConsentEvents.AsNoTracking().Where(c => c.CustomerId == customerId);
                if (from is { } f) consent = consent.Where(c => c.EffectiveAt >= f);
                if (before is { } b) consent = consent.Where(c => c.EffectiveAt < b);
                if (text is not null) consent = consent.Where(c => purposes.Contains(c.Purpose) || statuses.Contains(c.Status));
                parts.Add(consent.Select(c => new Key { Kind = (int)TimelineEntryKind.Consent, Id = c.Id, OccurredAt = c.EffectiveAt }));
            }
        }
        if (Admits(TimelineCategory.Merges, InteractionChannel.System) && Mentions("merge", "merged", "unmerge", "profile"))
        {
            var merged = store.Merges.AsNoTracking().Where(m => m.SurvivorId == customerId);
            if (from is { } f) merged = merged.Where(m => m.MergedAt >= f);
            if (before is { } b) merged = merged.Where(m => m.MergedAt < b);
            parts.Add(merged.Select(m => new Key { Kind = (int)TimelineEntryKind.Merge, Id = m.Id, OccurredAt = m.MergedAt }));
            var undone = store.Merges.AsNoTracking().Where(m => m.SurvivorId == customerId && m.UndoneAt != null);
            if (from is { } f2) undone = undone.Where(m => m.UndoneAt >= f2);
            if (before is { } b2) undone = undone.Where(m => m.UndoneAt < b2);
            parts.Add(undone.Select(m => new Key { Kind = (int)TimelineEntryKind.Unmerge, Id = m.Id, OccurredAt = m.UndoneAt!.Value }));
        }
        // Answers to offers an agent recorded, worded "Offer <code> accepted/declined".
        if (Admits(TimelineCategory.Offers, InteractionChannel.Agent))
        {
            var answers = store.OfferFeedback.AsNoTracking().Where(f => f.CustomerId == customerId);
            if (from is { } f) answers = answers.Where(a => a.RecordedAt >= f);
            if (before is { } b) answers = answers.Where(a => a.RecordedAt < b);
            if (pattern is not null && !Mentions("offer"))
            {
                var outcomes = Enum.GetValues<OfferOutcome>().Where(o => Mentions(o.ToString())).ToList();
                answers = answers.Where(a => EF.Functions.Like(a.OfferCode, pattern, Like.EscapeCharacter) || outcomes.Contains(a.Outcome));
            }
            parts.Add(answers.Select(a => new Key { Kind = (int)TimelineEntryKind.OfferAnswer, Id = a.Id, OccurredAt = a.RecordedAt }));
        }
        return parts.Count == 0 ? null : parts.Skip(1).Aggregate(parts[0], (all, part) => all.Concat(part));
    }

    /// <summary>The columns behind a page of keys: one query per table, by primary key, checked against the profile.</summary>
    private static async Task<Dictionary<(int Kind, long Id), Row>> RowsAsync(ProfileStore store, long customerId, IReadOnlyList<Key> keys,
        CancellationToken cancellationToken)
    {
        List<long> IdsOf(params TimelineEntryKind[] kinds) => keys.Where(k => kinds.Contains((TimelineEntryKind)k.Kind)).Select(k => k.Id).Distinct().ToList();
        var rows = new List<Row>();
        if (IdsOf(TimelineEntryKind.Interaction) is { Count: > 0 } interactionIds)
            rows.AddRange(await store.Interactions.AsNoTracking().Where(i => i.CustomerId == customerId && interactionIds.Contains(i.Id)).Select(i => new Row
            {
                Kind = (int)TimelineEntryKind.Interaction, Id = i.Id, OccurredAt = i.OccurredAt, Type = i.Type, Channel = i.Channel, Summary = i.Summary,
                SourceKey = i.SourceKey, SourceRecordId = i.SourceRecordId, AmountMinor = i.AmountMinor, Currency = i.Currency, Reference = i.Reference,
                DetailJson = i.DetailJson,
            }).ToListAsync(cancellationToken));
        if (IdsOf(TimelineEntryKind.Note) is { Count: > 0 } noteIds)
            rows.AddRange(await store.Notes.AsNoTracking().Where(n => n.CustomerId == customerId && noteIds.Contains(n.Id)).Select(n => new Row
            {
                Kind = (int)TimelineEntryKind.Note, Id = n.Id, OccurredAt = n.CreatedAt, Type = "note", Summary = n.Text, SourceKey = "portal",
            }).ToListAsync(cancellationToken));
        if (IdsOf(TimelineEntryKind.Consent) is { Count: > 0 } consentIds)
            rows.AddRange(await store.ConsentEvents.AsNoTracking().Where(c => c.CustomerId == customerId && consentIds.Contains(c.Id)).Select(c => new Row
            {
                Kind = (int)TimelineEntryKind.Consent, Id = c.Id, OccurredAt = c.EffectiveAt, Type = "consent.changed", SourceKey = c.SourceKey,
                SourceRecordId = c.SourceRecordId, Purpose = c.Purpose, Status = c.Status,
            }).ToListAsync(cancellationToken));
        if (IdsOf(TimelineEntryKind.OfferAnswer) is { Count: > 0 } answerIds)
            rows.AddRange((await store.OfferFeedback.AsNoTracking().Where(f => f.CustomerId == customerId && answerIds.Contains(f.Id))
                .Select(f => new { f.Id, f.RecordedAt, f.OfferCode, f.Outcome }).ToListAsync(cancellationToken)).Select(f => new Row
            {
                Kind = (int)TimelineEntryKind.OfferAnswer, Id = f.Id, OccurredAt = f.RecordedAt, SourceKey = "portal",
                Type = f.Outcome == OfferOutcome.Accepted ? "offer.accepted" : "offer.declined",
                Summary = $"Offer {f.OfferCode} {(f.Outcome == OfferOutcome.Accepted ? "accepted" : "declined")}",
            }));
        if (IdsOf(TimelineEntryKind.Merge, TimelineEntryKind.Unmerge) is { Count: > 0 } mergeIds)
        {
            var merges = await store.Merges.AsNoTracking().Where(m => m.SurvivorId == customerId && mergeIds.Contains(m.Id)).ToListAsync(cancellationToken);
            foreach (var key in keys.Where(k => k.Kind is (int)TimelineEntryKind.Merge or (int)TimelineEntryKind.Unmerge))
                if (merges.FirstOrDefault(m => m.Id == key.Id) is { } merge && (key.Kind == (int)TimelineEntryKind.Merge || merge.UndoneAt is not null))
                    rows.Add(new Row
                    {
                        Kind = key.Kind, Id = merge.Id, SourceKey = "portal", Summary = merge.Rule, Related = merge.MergedId,
                        OccurredAt = key.Kind == (int)TimelineEntryKind.Merge ? merge.MergedAt : merge.UndoneAt!.Value,
                        Type = key.Kind == (int)TimelineEntryKind.Merge ? "profile.merged" : "profile.unmerged",
                    });
        }
        return rows.ToDictionary(r => (r.Kind, r.Id));
    }

    private static Expression<Func<Interaction, bool>> CategoryPredicate(IReadOnlyCollection<TimelineCategory> categories)
    {
        var interaction = Expression.Parameter(typeof(Interaction), "i");
        var type = Expression.Property(interaction, nameof(Interaction.Type));
        var startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
        Expression Known((TimelineCategory, string[] Prefixes, string[] Exact) group) =>
            group.Prefixes.Select(p => (Expression)Expression.Call(type, startsWith, Expression.Constant(p)))
                .Concat(group.Exact.Select(e => (Expression)Expression.Equal(type, Expression.Constant(e))))
                .Aggregate(Expression.OrElse);
        var clauses = new List<Expression>();
        foreach (var category in categories)
        {
            if (category == TimelineCategory.Other)
                clauses.Add(Expression.Not(TypeGroups.Select(Known).Aggregate(Expression.OrElse)));
            else if (TypeGroups.FirstOrDefault(g => g.Category == category) is { Prefixes: not null } group)
                clauses.Add(Known(group));
        }
        var body = clauses.Count == 0 ? Expression.Constant(false) : clauses.Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<Interaction, bool>>(body, interaction);
    }


    public static string PurposeText(ConsentPurpose purpose) => purpose switch
    {
        ConsentPurpose.EmailMarketing => "email marketing",
        ConsentPurpose.SmsMarketing => "SMS marketing",
        ConsentPurpose.PhoneMarketing => "phone marketing",
        ConsentPurpose.PostMarketing => "postal marketing",
        ConsentPurpose.Personalisation => "personalisation",
        ConsentPurpose.Analytics => "analytics",
        ConsentPurpose.PartnerSharing => "sharing with partners",
        ConsentPurpose.SaleOrSharing => "sale or sharing of data",
        _ => purpose.ToString(),
    };

    private static TimelineEntry ToEntry(Row row)
    {
        var kind = (TimelineEntryKind)row.Kind;
        var summary = kind switch
        {
            TimelineEntryKind.Note => row.Summary is { Length: > NoteSummaryLength } long_ ? long_[..NoteSummaryLength] + "…" : row.Summary ?? "",
            TimelineEntryKind.Consent => $"Consent for {PurposeText(row.Purpose!.Value)}: {row.Status!.Value.ToString().ToLowerInvariant()}",
            TimelineEntryKind.Merge => $"Profile {row.Related} merged into this profile ({row.Summary})",
            TimelineEntryKind.Unmerge => $"Merge with profile {row.Related} undone",
            _ => row.Summary ?? row.Type,
        };
        var category = kind switch
        {
            TimelineEntryKind.Note => TimelineCategory.Notes,
            TimelineEntryKind.Consent => TimelineCategory.Consent,
            TimelineEntryKind.Merge or TimelineEntryKind.Unmerge => TimelineCategory.Merges,
            TimelineEntryKind.OfferAnswer => TimelineCategory.Offers,
            _ => CategoryOf(row.Type),
        };
        var channel = row.Channel ?? (kind is TimelineEntryKind.Note or TimelineEntryKind.OfferAnswer ? InteractionChannel.Agent : InteractionChannel.System);
        var satisfaction = row.DetailJson is null ? null : InteractionDetails.Read(row.DetailJson).Satisfaction;
        return new TimelineEntry(kind, row.Id, DateTime.SpecifyKind(row.OccurredAt, DateTimeKind.Utc), row.Type, category, channel, summary,
            row.SourceKey, row.SourceRecordId, row.AmountMinor, row.Currency, row.Reference, satisfaction);
    }
}
