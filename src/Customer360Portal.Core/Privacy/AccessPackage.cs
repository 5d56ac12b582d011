using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Privacy;

/// <summary>A built access package: a zip made in memory, never stored (a stored copy would need erasing too).</summary>
public sealed record AccessPackageFile(string FileName, byte[] Content, long CustomerId)
{
    public const string ContentType = "application/zip";
}

/// <summary>
/// The answer to an access request (GDPR article 15, CCPA right to know): everything the portal holds about one person
/// in one zip, <c>person.json</c> with all of it plus readable CSVs per kind of data and a README. Profiles merged into the
/// person's profile are included (their rows moved to the survivor with the merge; their ids and the views of them are
/// listed too). Built on demand for the download and never written to disk. Every export is audited with ids and sizes
/// only.
/// </summary>
public sealed class AccessPackage(IDbContextFactory<ProfileStore> stores, PrivacyRequests requests, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Files =
    [
        "README.txt", "person.json", "golden-record.csv", "identifiers.csv", "source-records.csv", "interactions.csv",
        "consent-history.csv", "scores.csv", "purchased-items.csv", "offer-responses.csv", "notes.csv", "traits.csv", "profile-views.csv",
    ];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// The package for an access request: the request must be an access request, linked to a profile, with the person's
    /// identity verified. The export is recorded in the request's history (file name and size) for its outcome.
    /// </summary>
    public async Task<AccessPackageFile> BuildForRequestAsync(long requestId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var detail = await requests.GetAsync(requestId, cancellationToken) ?? throw new InvalidOperationException("The request no longer exists.");
        var request = detail.Request;
        if (request.Type != PrivacyRequestType.Access) throw new InvalidOperationException("Only access requests get an access package.");
        if (request.CustomerId is not { } customerId) throw new InvalidOperationException("Link the request to the person's profile first.");
        if (request.Verification != IdentityVerification.Verified)
            throw new InvalidOperationException("Verify the person's identity before exporting their data.");
        var package = await BuildAsync(customerId, actor, requestId, cancellationToken)
            ?? throw new InvalidOperationException("The linked profile no longer exists (it may have been erased).");
        await requests.RecordPackageExportAsync(requestId, package.FileName, package.Content.LongLength, actor, cancellationToken);
        return package;
    }

    /// <summary>Builds the package for a profile (a merged-away id leads to its survivor); null when there is no such profile.</summary>
    public async Task<AccessPackageFile?> BuildAsync(long customerId, AuditActor actor, long? requestId = null, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var profile = await IdentityResolution.IdentityGraph.FollowRedirectsAsync(store, customerId, cancellationToken);
        if (profile is null || profile.Status == CustomerStatus.Erased) return null;
        var id = profile.Id;
        var now = clock.GetUtcNow().UtcDateTime;

        // Merges point every merged-away profile straight at the survivor (chains are flattened), so one level is enough.
        var merged = await store.Customers.AsNoTracking().Where(c => c.MergedIntoId == id).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        var ids = merged.Prepend(id).ToList();
        var idTexts = ids.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

        var identifiers = await store.Identifiers.AsNoTracking().Where(i => ids.Contains(i.CustomerId)).OrderBy(i => i.Type).ThenBy(i => i.Value).ToListAsync(cancellationToken);
        var records = await store.SourceRecords.AsNoTracking().Where(r => r.CustomerId != null && ids.Contains(r.CustomerId.Value))
            .OrderBy(r => r.OccurredAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var interactions = await store.Interactions.AsNoTracking().Where(i => ids.Contains(i.CustomerId)).OrderBy(i => i.OccurredAt).ThenBy(i => i.Id).ToListAsync(cancellationToken);
        var consent = await store.ConsentEvents.AsNoTracking().Where(e => ids.Contains(e.CustomerId)).OrderBy(e => e.EffectiveAt).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        var consentNow = await store.ConsentStates.AsNoTracking().Where(s => ids.Contains(s.CustomerId)).OrderBy(s => s.Purpose).ToListAsync(cancellationToken);
        var scores = await store.Scores.AsNoTracking().Where(s => ids.Contains(s.CustomerId)).OrderBy(s => s.ScoredAt).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        var notes = await store.Notes.AsNoTracking().Where(n => ids.Contains(n.CustomerId)).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(cancellationToken);
        var purchases = await store.PurchasedItems.AsNoTracking().Where(i => ids.Contains(i.CustomerId)).OrderBy(i => i.PurchasedAt).ThenBy(i => i.Id).ToListAsync(cancellationToken);
        var offerFeedback = await store.OfferFeedback.AsNoTracking().Where(f => ids.Contains(f.CustomerId)).OrderBy(f => f.RecordedAt).ThenBy(f => f.Id).ToListAsync(cancellationToken);
        var traits = await store.Traits.AsNoTracking().Where(t => ids.Contains(t.CustomerId)).OrderBy(t => t.Key).ToListAsync(cancellationToken);
        // Marketing segments the person is in (profiling under GDPR art. 15(1)(h)): names and since when, as of the last refresh.
        var segments = await store.SegmentMembers.AsNoTracking().Where(m => ids.Contains(m.CustomerId))
            .Join(store.Segments, m => m.SegmentId, s => s.Id, (m, s) => new { s.Name, m.EnteredAt, s.RefreshedAt }).OrderBy(s => s.Name)
            .ToListAsync(cancellationToken);
        var views = await store.AuditLog.AsNoTracking()
            .Where(a => a.TargetType == "customer" && a.TargetId != null && idTexts.Contains(a.TargetId) && a.Action.EndsWith(".viewed"))
            .OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        var merges = await store.Merges.AsNoTracking().Where(m => m.SurvivorId == id && m.UndoneAt == null).OrderBy(m => m.MergedAt).ToListAsync(cancellationToken);
        var authorIds = notes.Select(n => n.AuthorUserId).Distinct().ToList();
        var authors = await store.Users.AsNoTracking().Where(u => authorIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.UserName ?? u.Id : u.DisplayName, cancellationToken);

        var golden = GoldenRows(profile);
        var person = new JsonObject
        {
            ["generatedAt"] = now,
            ["profileId"] = id,
            ["mergedProfileIds"] = ToJson(merged),
            ["goldenRecord"] = ToJson(new
            {
                profile.GivenName, profile.FamilyName, profile.Email, profile.Phone, profile.DateOfBirth, profile.AddressLine, profile.City,
                profile.Postcode, profile.Country, profile.Status, profile.Anonymous, profile.LifecycleStage, profile.LifetimeValueMinor, profile.Currency,
                profile.OrderCount, profile.FirstPurchaseAt, profile.LastPurchaseAt, profile.LastActivityAt, profile.CreatedAt, profile.UpdatedAt,
            }),
            ["goldenRecordLineage"] = ToJson(golden.Select(g => new { field = g.Field, value = g.Value, source = g.Source, rule = g.Rule, observed = g.Observed, sourceRecordId = g.SourceRecordId, correctionReason = g.Reason })),
            ["identifiers"] = ToJson(identifiers.Select(i => new { i.Type, i.Value, i.Verified, source = i.SourceKey, i.SourceRecordId, i.FirstSeenAt, i.LastSeenAt })),
            ["sourceRecords"] = ToJson(records.Select(r => new
            {
                r.Id, source = r.SourceKey, r.Kind, r.ExternalId, r.OccurredAt, r.ReceivedAt, r.Status, r.OriginCustomerId,
                payloadAsReceived = r.PayloadJson, normalized = ParseOrText(r.NormalizedJson),
            })),
            ["interactions"] = ToJson(interactions.Select(i => new
            {
                i.Id, i.OccurredAt, i.Type, i.Channel, source = i.SourceKey, i.Summary, i.AmountMinor, i.Currency, i.Reference, i.JourneyStage,
                i.SourceRecordId, details = ParseOrText(i.DetailJson),
            })),
            ["consentHistory"] = ToJson(consent.Select(e => new
            {
                e.Id, e.Purpose, e.Status, e.LawfulBasis, source = e.SourceKey, e.EffectiveAt, e.RecordedAt, e.ExpiresAt, e.Evidence, e.Reason,
            })),
            ["consentNow"] = ToJson(consentNow.Select(s => new { s.Purpose, s.Status, s.LawfulBasis, s.UpdatedAt, s.ExpiresAt })),
            ["scores"] = ToJson(scores.Select(s => new { s.Kind, s.Value, s.Label, s.ModelVersion, s.ScoredAt, reasons = Reasons(s.ReasonsJson) })),
            ["notes"] = ToJson(notes.Select(n => new { n.Id, n.CreatedAt, author = authors.GetValueOrDefault(n.AuthorUserId) ?? "a former employee", n.Text, n.FollowUpDueAt, n.CompletedAt })),
            ["purchasedItems"] = ToJson(purchases.Select(i => new { i.Sku, i.Name, i.Category, i.Quantity, i.UnitPriceMinor, i.Currency, i.PurchasedAt, order = i.OrderReference })),
            ["offerResponses"] = ToJson(offerFeedback.Select(f => new { offer = f.OfferCode, f.Item, f.Outcome, f.ModelVersion, f.RecordedAt })),
            ["traits"] = ToJson(traits.Select(t => new { t.Key, t.Value, source = t.SourceKey, t.UpdatedAt })),
            ["merges"] = ToJson(merges.Select(m => new { m.MergedId, m.MergedAt, m.Rule })),
            ["marketingSegments"] = ToJson(segments.Select(s => new { segment = s.Name, since = s.EnteredAt, asOf = s.RefreshedAt })),
            ["profileViews"] = ToJson(views.Select(v => new { v.At, viewer = v.UserName, profileId = long.Parse(v.TargetId!, CultureInfo.InvariantCulture), v.Action })),
        };

        byte[] content;
        using (var buffer = new MemoryStream())
        {
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                Text(zip, "README.txt", Readme(id, merged, now));
                Text(zip, "person.json", person.ToJsonString(JsonOptions));
                Csv(zip, "golden-record.csv", ["field", "value", "source", "rule", "observed"],
                    golden.Select(g => new[] { g.Field, g.Value, g.Source, g.Rule, g.Observed is { } o ? Time(o) : "" }));
                Csv(zip, "identifiers.csv", ["type", "value", "verified", "source", "first_seen", "last_seen"],
                    identifiers.Select(i => new[] { i.Type.ToString(), i.Value, i.Verified ? "yes" : "no", i.SourceKey, Time(i.FirstSeenAt), Time(i.LastSeenAt) }));
                Csv(zip, "source-records.csv", ["record_id", "source", "kind", "external_id", "occurred", "received", "status", "payload_as_received"],
                    records.Select(r => new[] { Id(r.Id), r.SourceKey, r.Kind, r.ExternalId, Time(r.OccurredAt), Time(r.ReceivedAt), r.Status.ToString(), r.PayloadJson }));
                Csv(zip, "interactions.csv", ["occurred", "type", "channel", "source", "summary", "amount", "currency", "reference"],
                    interactions.Select(i => new[] { Time(i.OccurredAt), i.Type, i.Channel.ToString(), i.SourceKey, i.Summary, Amount(i.AmountMinor), i.Currency, i.Reference }));
                Csv(zip, "consent-history.csv", ["effective", "recorded", "purpose", "status", "lawful_basis", "source", "expires", "evidence", "reason"],
                    consent.Select(e => new[] { Time(e.EffectiveAt), Time(e.RecordedAt), e.Purpose.ToString(), e.Status.ToString(), e.LawfulBasis.ToString(),
                        e.SourceKey, e.ExpiresAt is { } x ? Time(x) : "", e.Evidence, e.Reason }));
                Csv(zip, "scores.csv", ["scored", "kind", "value", "label", "model_version", "reasons"],
                    scores.Select(s => new[] { Time(s.ScoredAt), s.Kind.ToString(), s.Value.ToString("0.####", CultureInfo.InvariantCulture), s.Label, s.ModelVersion,
                        string.Join("; ", Reasons(s.ReasonsJson)) }));
                Csv(zip, "purchased-items.csv", ["purchased", "sku", "name", "category", "quantity", "unit_price", "currency", "order"],
                    purchases.Select(i => new[] { Time(i.PurchasedAt), i.Sku, i.Name, i.Category, i.Quantity.ToString(CultureInfo.InvariantCulture), Amount(i.UnitPriceMinor), i.Currency, i.OrderReference }));
                Csv(zip, "offer-responses.csv", ["recorded", "offer", "item", "outcome", "model_version"],
                    offerFeedback.Select(f => new[] { Time(f.RecordedAt), f.OfferCode, f.Item, f.Outcome.ToString(), f.ModelVersion }));
                Csv(zip, "notes.csv", ["written", "author", "text", "follow_up_due", "completed"],
                    notes.Select(n => new[] { Time(n.CreatedAt), authors.GetValueOrDefault(n.AuthorUserId) ?? "a former employee", n.Text,
                        n.FollowUpDueAt is { } d ? Time(d) : "", n.CompletedAt is { } c ? Time(c) : "" }));
                Csv(zip, "traits.csv", ["key", "value", "source", "updated"],
                    traits.Select(t => new[] { t.Key, t.Value, t.SourceKey, Time(t.UpdatedAt) }));
                Csv(zip, "profile-views.csv", ["viewed", "viewer", "profile_id", "what"],
                    views.Select(v => new[] { Time(v.At), v.UserName, v.TargetId, v.Action }));
            }
            content = buffer.ToArray();
        }

        var stamp = now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var fileName = requestId is { } r
            ? $"access-package-request-{Id(r)}-{stamp}.zip"
            : $"access-package-profile-{Id(id)}-{stamp}.zip";

        // The export is a disclosure of the profile: audited on the customer (ids, counts and size only).
        store.AuditLog.Add(new AuditEntry
        {
            At = now, UserId = actor.UserId, UserName = actor.Name, Action = "access-package.exported", TargetType = "customer",
            TargetId = Id(id),
            Details = string.Create(CultureInfo.InvariantCulture,
                $"{fileName}: {content.LongLength} bytes; {records.Count} source records, {interactions.Count} interactions, {merged.Count} merged profiles{(requestId is { } q ? $"; request {q}" : "")}"),
            CorrelationId = System.Diagnostics.Activity.Current?.TraceId.ToString(),
        });
        await store.SaveChangesAsync(cancellationToken);
        return new AccessPackageFile(fileName, content, id);
    }

    private sealed record GoldenRow(string Field, string? Value, string Source, string Rule, DateTime? Observed, long? SourceRecordId, string? Reason = null);

    /// <summary>Every golden-record value with its lineage, then the figures the portal computes from the timeline.</summary>
    private static List<GoldenRow> GoldenRows(Customer profile)
    {
        var rows = profile.Lineage
            .OrderBy(l => Array.IndexOf(Profiles.GoldenRecord.Fields, l.Field) is var i && i < 0 ? int.MaxValue : i).ThenBy(l => l.Field, StringComparer.Ordinal)
            .Select(l => new GoldenRow(l.Field, l.Value, l.SourceKey, l.Rule, l.ObservedAt, l.SourceRecordId, l.Reason)).ToList();
        void Computed(string field, string? value)
        {
            if (!string.IsNullOrEmpty(value)) rows.Add(new GoldenRow(field, value, "computed", "derived from the timeline", null, null));
        }
        Computed("lifecycleStage", profile.LifecycleStage.ToString());
        Computed("lifetimeValue", profile.OrderCount > 0 || profile.LifetimeValueMinor != 0 ? $"{Amount(profile.LifetimeValueMinor)} {profile.Currency}".Trim() : null);
        Computed("orderCount", profile.OrderCount.ToString(CultureInfo.InvariantCulture));
        Computed("firstPurchase", profile.FirstPurchaseAt is { } f ? Time(f) : null);
        Computed("lastPurchase", profile.LastPurchaseAt is { } l ? Time(l) : null);
        Computed("lastActivity", profile.LastActivityAt is { } a ? Time(a) : null);
        return rows;
    }

    private static string Readme(long id, IReadOnlyList<long> merged, DateTime now) => string.Create(CultureInfo.InvariantCulture, $"""
        Your personal data held by the Customer360 portal
        ==================================================

        Made on {Time(now)} (UTC) for profile {id}{(merged.Count == 0 ? "" : $", which also holds the data of profiles {string.Join(", ", merged)} that were found to be the same person and merged into it")}.
        All times are UTC. Amounts are in the currency's main unit.

        person.json          Everything below in one JSON document, for reading by a program, and the marketing segments
                             you are in (marketingSegments).
        golden-record.csv    The portal's best view of you: each value, the source system it came from, the rule that chose it
                             (e.g. most recent, most trusted source, rectified) and when the source observed it; then the
                             figures the portal computes from your history (lifecycle stage, lifetime value, orders).
        identifiers.csv      Email addresses, phone numbers, account, loyalty, order, cookie and device ids linked to you, with
                             the source and when each was first and last seen.
        source-records.csv   Every record a source system sent about you, with the payload exactly as it was received.
        interactions.csv     Your history with us: orders, support tickets, emails, website visits and so on.
        consent-history.csv  Every consent choice (granted, denied, withdrawn) per purpose, with its evidence and lawful basis.
        scores.csv           What the portal's models predicted (e.g. churn risk, next best offer), the model version and the
                             reasons the model gave.
        purchased-items.csv  The products on your orders: product code, name, category, quantity and unit price.
        offer-responses.csv  The offers our staff recorded you accepted or declined.
        notes.csv            Notes and follow-ups our staff wrote about you, with author and time.
        traits.csv           Other attributes a source or staff set on your profile (e.g. a membership plan).
        profile-views.csv    Who at our company opened your profile and when, including the merged profiles listed above.

        In the CSV files, a value that starts with =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula;
        person.json holds every value unchanged.

        This package was generated on demand for this request and is not kept by the portal: no copy is stored, so nothing
        of it lingers to be erased later. Keep it safe; it contains all of the above about you.
        """);

    private static JsonNode? ToJson<T>(T value) => JsonSerializer.SerializeToNode(value, JsonOptions);

    private static object? ParseOrText(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static List<string> Reasons(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return JsonSerializer.Deserialize(json, CustomerView.ReasonsJson.Default.ListString) ?? [];
        }
        catch (JsonException)
        {
            return [json];
        }
    }

    private static void Text(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.Write(text.ReplaceLineEndings("\n"));
    }

    private static void Csv(ZipArchive zip, string name, string[] header, IEnumerable<string?[]> rows)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        // A byte order mark so spreadsheets read UTF-8; formula-like text escaped (CSV injection).
        using var writer = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\r\n", WriteByteOrderMark = true, Injection = CsvInjection.Escape }, leaveOpen: true);
        writer.WriteHeader(header);
        foreach (var row in rows)
            writer.WriteRecord(row.Select(v => v ?? "").ToArray());
        writer.Flush();
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Amount(long? minor) => minor is { } m ? (m / 100m).ToString("0.00", CultureInfo.InvariantCulture) : "";
}
