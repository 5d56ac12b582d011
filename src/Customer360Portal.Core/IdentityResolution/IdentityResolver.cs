using System.Text.Json;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Predictions.Offers;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// Resolves each arriving record to a profile, incrementally:
/// <list type="number">
/// <item>Deterministic: the owner of the record's strongest identifier (account id, loyalty number, email, phone,
/// device, cookie; junk values ignored). When its identifiers point at several profiles they are merged, unless a
/// guard objects: different account ids (shared device or household), names that clearly disagree, a limit per
/// identifier type, or a person rejected that pair before; then a review is raised (not for a shared cookie, which
/// is normal).</item>
/// <item>Probabilistic, for a record that describes a person but shares no identifier: its blocking keys find
/// candidate profiles, the trained Fellegi-Sunter model scores them, and the best one is auto-merged, reviewed or
/// left distinct by the two thresholds.</item>
/// <item>Otherwise a new profile (anonymous when only a cookie or device id is known).</item>
/// </list>
/// Then it projects the record: identifiers, golden record by survivorship with lineage, timeline, metrics, traits
/// and blocking keys.
/// </summary>
public sealed class IdentityResolver(ProfileMerger merger, MatchModelProvider models, IOptions<ResolutionOptions> options, TimeProvider clock,
    IOptions<ConsentOptions> consentOptions) : IRecordResolver
{
    private readonly LinkingIdentifiers linking = new(options.Value);

    public async Task ResolveAsync(ProfileStore store, IReadOnlyList<PendingRecord> batch, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var context = new BatchContext(store, await models.CurrentAsync(store, cancellationToken), clock.GetUtcNow().UtcDateTime,
            await merger.SurvivorshipAsync(store, cancellationToken));
        var identifiers = batch.Select(p => linking.Of(p.Record)).ToList();
        await context.LoadOwnersAsync(identifiers.SelectMany(i => i).Distinct().ToList(), cancellationToken);

        for (var i = 0; i < batch.Count; i++)
        {
            var customer = await ResolveOneAsync(context, batch[i], identifiers[i], settings, cancellationToken);
            await ProjectAsync(context, customer, batch[i], identifiers[i], cancellationToken);
        }
        foreach (var (left, right, score, reason, sourceRecordId) in context.PendingReviews)
            await merger.RaiseReviewAsync(context, left, right, score, reason, sourceRecordId, cancellationToken);
        // Consent events still without ids: one save gives them; their states' links and audit rows go with the projection's save.
        if (context.ConsentToLink.Count > 0) await context.SaveAsync(cancellationToken);
        // The projection saves the batch with its mark; only the most-frequent rule needs the records saved first.
        if (GoldenRecord.Fields.Any(f => settings.RuleFor(f) == SurvivorshipRule.MostFrequent))
        {
            await store.SaveChangesAsync(cancellationToken);
            foreach (var id in context.Touched)
                await merger.RebuildGoldenRecordAsync(store, id, context.Survivorship, cancellationToken);
        }
    }

    private async Task<Customer> ResolveOneAsync(BatchContext context, PendingRecord pending, List<IdentityKey> identifiers,
        ResolutionOptions settings, CancellationToken cancellationToken)
    {
        var record = pending.Record;
        var owners = new List<Customer>();
        var linkedBy = new Dictionary<Customer, List<IdentifierType>>();
        foreach (var identifier in identifiers)
            foreach (var ownerId in context.OwnersOf(identifier))
                if (await context.CustomerAsync(ownerId, cancellationToken) is { Status: CustomerStatus.Active } owner)
                {
                    if (!owners.Contains(owner)) owners.Add(owner);
                    if (!linkedBy.TryGetValue(owner, out var types)) linkedBy[owner] = types = [];
                    types.Add(identifier.Type);
                }

        // Households share emails, phones and computers: a weak identifier does not make two given names, or a father
        // and son with one name and two birth dates, one person.
        owners.RemoveAll(owner => linkedBy[owner].All(LinkingIdentifiers.IsShared)
            && (GivenNamesConflict(record.GivenName, record.FamilyName, owner.GivenName, owner.FamilyName) || BirthDatesConflict(record.DateOfBirth, owner.DateOfBirth)));

        if (owners.Count == 0)
        {
            if (PersonRecords.DescribesPerson(record))
            {
                var (best, score) = await BestCandidateAsync(context, pending, settings, cancellationToken);
                var decision = best is null ? MatchDecision.Distinct : settings.Thresholds.Decide(score!.Value.Probability);
                // Same family name and address but another given name is a household member far more often than a
                // typo: never merged automatically, at most reviewed; with another birth date as well, not even that.
                var givenNamesDiffer = decision != MatchDecision.Distinct && GivenNamesConflict(record.GivenName, record.FamilyName, best!.GivenName, best.FamilyName);
                if (givenNamesDiffer)
                    decision = BirthDatesConflict(record.DateOfBirth, best!.DateOfBirth) ? MatchDecision.Distinct : MatchDecision.Review;
                if (best is not null && decision == MatchDecision.Merge && !await context.BreaksLimitsAsync(best, identifiers, settings, cancellationToken))
                    return context.Adopt(best);
                var created = context.Create(anonymous: false);
                if (best is not null && decision != MatchDecision.Distinct)
                    context.PendingReviews.Add((created, best, score!.Value, givenNamesDiffer ? "given-names-differ" : "probabilistic", pending.SourceRecordId));
                return created;
            }
            return context.Create(anonymous: identifiers.All(i => i.Type is IdentifierType.CookieId or IdentifierType.DeviceId));
        }

        // The owner of the strongest identifier leads; the others join it if the guards allow.
        var target = owners[0];
        foreach (var other in owners.Skip(1))
        {
            if (other.Status != CustomerStatus.Active || target.Status != CustomerStatus.Active) continue;
            if (linkedBy[other].All(LinkingIdentifiers.IsShared)
                && (GivenNamesConflict(target.GivenName, target.FamilyName, other.GivenName, other.FamilyName) || BirthDatesConflict(target.DateOfBirth, other.DateOfBirth)))
                continue; // two household members who share a phone or email stay two people
            var (survivor, merged) = ProfileMerger.Order(target, other);
            var deviceOnly = linkedBy[other].All(t => t is IdentifierType.CookieId or IdentifierType.DeviceId)
                || linkedBy[target].All(t => t is IdentifierType.CookieId or IdentifierType.DeviceId);
            var verdict = await merger.CheckMergeAsync(context, survivor, merged, deviceOnly, settings, cancellationToken);
            if (verdict.Allowed)
            {
                await merger.MergeAsync(context, survivor, merged, verdict, pending.SourceRecordId, userId: null, cancellationToken);
                target = survivor;
            }
            else if (verdict.ReviewReason is { } reason)
                context.PendingReviews.Add((survivor, merged, verdict.Score, reason, pending.SourceRecordId));
        }

        // A record bringing a second account id (or more emails than a person has) is someone else sharing an identifier.
        if (await context.BreaksLimitsAsync(target, identifiers, settings, cancellationToken))
        {
            var created = context.Create(anonymous: false);
            var score = merger.Score(context, target, PersonRecords.From(pending.SourceRecordId, pending.SourceKey, record));
            context.PendingReviews.Add((created, target, score, "identifier-limit", pending.SourceRecordId));
            return created;
        }
        return target;
    }

    private async Task<(Customer? Best, PairScore? Score)> BestCandidateAsync(BatchContext context, PendingRecord pending,
        ResolutionOptions settings, CancellationToken cancellationToken)
    {
        var person = PreparedPerson.From(PersonRecords.From(pending.SourceRecordId, pending.SourceKey, pending.Record));
        var keys = Blocking.KeysOf(person);
        var candidates = await context.CandidatesAsync(keys, settings.MaxCandidates, cancellationToken);
        Customer? best = null;
        PairScore? bestScore = null;
        foreach (var candidate in candidates)
        {
            if (candidate.Status != CustomerStatus.Active || candidate.Anonymous) continue;
            var score = merger.Score(context, candidate, person);
            if (GuardedClustering.StrongConflict(person, score.Candidate)) continue;
            if (bestScore is null || score.Weight > bestScore.Value.Weight || (score.Weight == bestScore.Value.Weight && candidate.Id < best!.Id))
                (best, bestScore) = (candidate, score);
        }
        return (best, bestScore);
    }

    private async Task ProjectAsync(BatchContext context, Customer customer, PendingRecord pending, List<IdentityKey> identifiers,
        CancellationToken cancellationToken)
    {
        var (sourceRecordId, sourceKey, record) = pending;
        if (customer.Id == 0) await context.SaveAsync(cancellationToken); // new profiles need ids before anything points at them
        foreach (var identifier in identifiers)
            context.AddIdentifier(customer, identifier, sourceKey, sourceRecordId, record.OccurredAt);
        if (customer.Anonymous && identifiers.Any(i => i.Type is not (IdentifierType.CookieId or IdentifierType.DeviceId)))
            customer.Anonymous = false;
        GoldenRecord.Apply(customer, record, sourceKey, sourceRecordId, context.Survivorship);
        if (record.InteractionType is { } type)
        {
            context.Store.Interactions.Add(new Interaction
            {
                CustomerId = customer.Id, SourceRecordId = sourceRecordId, SourceKey = sourceKey, Type = type,
                Channel = record.Channel ?? InteractionChannel.System, JourneyStage = Journey.StageOf(type),
                OccurredAt = record.OccurredAt, Summary = record.Summary ?? type, AmountMinor = record.AmountMinor,
                Currency = record.Currency, Reference = record.Reference, Category = record.Category,
                DetailJson = record.Satisfaction is { } rating ? InteractionDetails.Write(new InteractionDetails { Satisfaction = rating }) : null,
            });
            Metrics.Apply(customer, record);
        }
        PurchasedItems.Project(context.Store, customer.Id, sourceRecordId, record);
        if (PersonRecords.DescribesPerson(record))
            context.AddMatchKeys(customer, Blocking.KeysOf(PreparedPerson.From(PersonRecords.From(sourceRecordId, sourceKey, record))));
        await context.UpsertTraitsAsync(customer, record, sourceKey, cancellationToken);
        if (record.Consent is { Count: > 0 } choices)
            await ProjectConsentAsync(context, customer, pending, choices, cancellationToken);
        customer.UpdatedAt = context.Now;
        customer.Version++;
        context.Touched.Add(customer.Id);

        var stub = new SourceRecord { Id = sourceRecordId };
        context.Store.SourceRecords.Attach(stub);
        stub.CustomerId = customer.Id;
        stub.OriginCustomerId = customer.Id;
        stub.Status = SourceRecordStatus.Resolved;
    }

    /// <summary>
    /// Appends the record's consent choices to the ledger (with the record and the profile it was written for, so
    /// unmerge can send them back) and moves the current state in the same transaction (the batch's). A source repeating what the
    /// state already says adds nothing; "denied" after a grant is a withdrawal; within one record the most restrictive
    /// choice per purpose wins; an older choice is kept as history without overriding a newer state.
    /// </summary>
    private async Task ProjectConsentAsync(BatchContext context, Customer customer, PendingRecord pending, IReadOnlyList<ConsentChoice> choices,
        CancellationToken cancellationToken)
    {
        var (sourceRecordId, sourceKey, record) = pending;
        var settings = consentOptions.Value;
        var perPurpose = choices
            .SelectMany(c => PurposesOf(c, settings).Select(p => (Purpose: p, Choice: c)))
            .GroupBy(x => x.Purpose)
            .Select(g => g.OrderBy(x => x.Choice.Status == ConsentStatus.Granted ? 1 : 0).First());
        var appended = new List<(ConsentEvent Row, ConsentState? State, bool Supersedes)>();
        foreach (var (purpose, choice) in perPurpose)
        {
            var effectiveAt = choice.EffectiveAt ?? record.OccurredAt;
            var state = await context.Store.ConsentStates.FindAsync([customer.Id, purpose], cancellationToken);
            var supersedes = ConsentRules.Supersedes(state, effectiveAt);
            var status = choice.Status == ConsentStatus.Denied && supersedes && state is { Status: ConsentStatus.Granted } ? ConsentStatus.Withdrawn : choice.Status;
            if (!ConsentRules.IsNews(state, status, choice.ExpiresAt)) continue;
            var evidence = choice.Category is { } from ? $"category={from}" + (choice.Evidence is null ? "" : "; " + choice.Evidence) : choice.Evidence;
            var row = new ConsentEvent
            {
                CustomerId = customer.Id, OriginCustomerId = customer.Id, Purpose = purpose, Status = status,
                LawfulBasis = choice.LawfulBasis ?? LawfulBasis.Consent, SourceKey = sourceKey,
                Evidence = evidence is { Length: > ConsentLedger.MaxEvidenceLength } ? evidence[..ConsentLedger.MaxEvidenceLength] : evidence,
                EffectiveAt = effectiveAt, RecordedAt = context.Now, ExpiresAt = choice.ExpiresAt, SourceRecordId = sourceRecordId,
            };
            context.Store.ConsentEvents.Add(row);
            appended.Add((row, state, supersedes));
        }
        // The state moves now, so a later record of this batch sees it; its event id and the audit row come with the
        // batch's next save (BatchContext.SaveAsync), instead of a save per record re-scanning every tracked row.
        foreach (var (row, state, supersedes) in appended)
        {
            var moved = state is null ? ConsentRules.StateOf(row) : supersedes ? ConsentRules.Apply(state, row) : null;
            if (state is null) context.Store.ConsentStates.Add(moved!);
            context.ConsentToLink.Add((row, moved));
        }
    }

    private static IReadOnlyList<ConsentPurpose> PurposesOf(ConsentChoice choice, ConsentOptions settings) =>
        choice.Purpose is { } purpose ? [purpose] : choice.Category is { } category ? settings.PurposesOf(category) : [];

    /// <summary>
    /// Both given names known and unrelated: not equal, not a nickname or initial of each other, not a typo apart, and
    /// not explained by given and family name having been swapped.
    /// </summary>
    internal static bool GivenNamesConflict(string? givenA, string? familyA, string? givenB, string? familyB)
    {
        var a = new PreparedPerson { Given = TextSimilarity.Clean(givenA), Family = TextSimilarity.Clean(familyA) };
        var b = new PreparedPerson { Given = TextSimilarity.Clean(givenB), Family = TextSimilarity.Clean(familyB) };
        return a.Given.Length > 0 && b.Given.Length > 0 && Comparisons.CompareNames(a, b).Given == Comparisons.LevelCount(Field.Given) - 1;
    }

    /// <summary>Both dates known and further apart than a typo or a day/month swap.</summary>
    internal static bool BirthDatesConflict(DateOnly? recordDob, DateOnly? profileDob) =>
        recordDob is { } a && profileDob is { } b
        && Comparisons.CompareDob(a.ToString("yyyyMMdd"), b.ToString("yyyyMMdd")) == Comparisons.LevelCount(Field.Dob) - 1;
}

public readonly record struct IdentityKey(IdentifierType Type, string Value);

/// <summary>A candidate profile's score against a record, with the evidence reviewers see.</summary>
public readonly record struct PairScore(double Weight, double Probability, IReadOnlyList<FieldContribution> Evidence, PreparedPerson Candidate)
{
    public string EvidenceJson => JsonSerializer.Serialize(Evidence.Select(e => new { field = e.Field.ToString(), level = e.Level, weight = e.Weight }));
}
