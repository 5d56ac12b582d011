using System.Text.Json;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>Whether two profiles may merge, and if not whether a person should look at them.</summary>
public sealed record MergeVerdict(bool Allowed, string? ReviewReason, PairScore Score, string Rule);

/// <summary>
/// Merges and unmerges profiles. A merge moves everything of the merged profile to the survivor (known beats
/// anonymous, then the older profile: deterministic) and leaves the merged id as a redirect; the merge is recorded
/// with its evidence so it can be undone. Unmerge sends every record, interaction, note, consent event and score
/// back to the profile it was first written for and rebuilds both profiles from their records.
/// </summary>
public sealed class ProfileMerger(IOptions<ResolutionOptions> options)
{
    public static (Customer Survivor, Customer Merged) Order(Customer a, Customer b) =>
        a.Anonymous != b.Anonymous ? (a.Anonymous ? (b, a) : (a, b)) : a.Id <= b.Id ? (a, b) : (b, a);

    private (Survivorship Rules, DateTime At)? survivorship;

    /// <summary>The rules with the sources' trust ranks (re-read at most every 30 seconds: they change rarely).</summary>
    public async Task<Survivorship> SurvivorshipAsync(ProfileStore store, CancellationToken cancellationToken)
    {
        if (survivorship is { } cached && DateTime.UtcNow - cached.At < TimeSpan.FromSeconds(30)) return cached.Rules;
        var ranks = await store.DataSources.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.TrustRank, cancellationToken);
        var rules = new Survivorship(options.Value.RuleFor, ranks);
        survivorship = (rules, DateTime.UtcNow);
        return rules;
    }

    public PairScore Score(BatchContext context, Customer candidate, PersonRecord record) =>
        Score(context, candidate, PreparedPerson.From(record));

    public PairScore Score(BatchContext context, Customer candidate, PreparedPerson person)
    {
        var accountId = candidate.Id == 0 ? null : context.AccountIdAsync(candidate, CancellationToken.None).GetAwaiter().GetResult();
        var other = PreparedPerson.From(PersonRecords.From(candidate, accountId));
        var pattern = Comparisons.Compare(person, other);
        var frequencies = context.Model.FrequenciesOf(person);
        var weight = context.Model.Weight(pattern, frequencies);
        return new PairScore(weight, context.Model.Probability(weight), context.Model.Explain(pattern, frequencies), other);
    }

    public async Task<MergeVerdict> CheckMergeAsync(BatchContext context, Customer survivor, Customer merged, bool linkedByDeviceOnly,
        ResolutionOptions settings, CancellationToken cancellationToken)
    {
        var score = Score(context, survivor, PreparedPerson.From(PersonRecords.From(merged, await context.AccountIdAsync(merged, cancellationToken))));
        var rule = survivor.Anonymous || merged.Anonymous ? "stitch" : "deterministic";
        var (left, right) = (Math.Min(survivor.Id, merged.Id), Math.Max(survivor.Id, merged.Id));
        if (await context.Store.MatchReviews.AnyAsync(r => r.LeftCustomerId == left && r.RightCustomerId == right && r.Status == ReviewStatus.Rejected, cancellationToken))
            return new MergeVerdict(false, null, score, rule);
        if (survivor.Anonymous || merged.Anonymous) return new MergeVerdict(true, null, score, rule);

        var survivorIds = await context.HeldAsync(survivor, cancellationToken);
        var mergedIds = await context.HeldAsync(merged, cancellationToken);
        foreach (var (type, limit) in settings.Limits)
        {
            if (survivorIds.Union(mergedIds).Count(i => i.Type == type) <= limit) continue;
            // Two known people on one device is normal (a family computer): keep them apart without bothering anyone.
            return new MergeVerdict(false, linkedByDeviceOnly ? null : $"identifier-limit:{type}", score, rule);
        }
        if (linkedByDeviceOnly) return new MergeVerdict(false, null, score, rule); // a shared cookie never merges two known people
        var (given, family) = Comparisons.CompareNames(score.Candidate, PreparedPerson.From(PersonRecords.From(merged, null)));
        if (given == Comparisons.LevelCount(Field.Given) - 1 && family == Comparisons.LevelCount(Field.Family) - 1)
            return new MergeVerdict(false, "names-disagree", score, rule);
        var clusterSize = await context.Store.Merges.CountAsync(m => (m.SurvivorId == survivor.Id || m.SurvivorId == merged.Id) && m.UndoneAt == null, cancellationToken) + 2;
        if (clusterSize > settings.MaxClusterSize) return new MergeVerdict(false, "cluster-size", score, rule);
        return new MergeVerdict(true, null, score, rule);
    }

    /// <summary>Moves everything of <paramref name="merged"/> to <paramref name="survivor"/> inside the caller's transaction.</summary>
    public async Task MergeAsync(BatchContext context, Customer survivor, Customer merged, MergeVerdict verdict, long? sourceRecordId,
        string? userId, CancellationToken cancellationToken)
    {
        var store = context.Store;
        await context.SaveAllAsync(cancellationToken);
        context.ForgetSavedRows();
        var (s, x) = (survivor.Id, merged.Id);
        await store.SourceRecords.Where(r => r.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(r => r.CustomerId, s), cancellationToken);
        await store.Interactions.Where(i => i.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(i => i.CustomerId, s), cancellationToken);
        await store.Notes.Where(n => n.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, s), cancellationToken);
        await store.Scores.Where(n => n.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, s), cancellationToken);
        await store.PurchasedItems.Where(i => i.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(i => i.CustomerId, s), cancellationToken);
        await store.OfferFeedback.Where(f => f.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(f => f.CustomerId, s), cancellationToken);
        await store.ConsentEvents.Where(n => n.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, s), cancellationToken);
        await store.Identifiers.Where(i => i.CustomerId == x && store.Identifiers.Any(o => o.CustomerId == s && o.Type == i.Type && o.Value == i.Value))
            .ExecuteDeleteAsync(cancellationToken);
        await store.Identifiers.Where(i => i.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(i => i.CustomerId, s), cancellationToken);
        await store.MatchKeys.Where(k => k.CustomerId == x && store.MatchKeys.Any(o => o.CustomerId == s && o.KeyHash == k.KeyHash))
            .ExecuteDeleteAsync(cancellationToken);
        await store.MatchKeys.Where(k => k.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(k => k.CustomerId, s), cancellationToken);
        await store.Traits.Where(t => t.CustomerId == x && store.Traits.Any(o => o.CustomerId == s && o.Key == t.Key)).ExecuteDeleteAsync(cancellationToken);
        await store.Traits.Where(t => t.CustomerId == x).ExecuteUpdateAsync(u => u.SetProperty(t => t.CustomerId, s), cancellationToken);
        await store.MatchReviews.Where(r => r.Status == ReviewStatus.Open && (r.LeftCustomerId == x && r.RightCustomerId == s || r.LeftCustomerId == s && r.RightCustomerId == x))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, ReviewStatus.Superseded), cancellationToken);
        await MergeConsentAsync(store, s, x, context.Now, userId, cancellationToken);

        merged.Status = CustomerStatus.Merged;
        merged.MergedIntoId = s;
        merged.Lineage.Clear();
        merged.UpdatedAt = context.Now;
        await store.Customers.Where(c => c.MergedIntoId == x).ExecuteUpdateAsync(u => u.SetProperty(c => c.MergedIntoId, s), cancellationToken);
        store.Merges.Add(new MergeRecord
        {
            SurvivorId = s, MergedId = x, MergedAt = context.Now, Rule = userId is null ? verdict.Rule : "manual",
            MatchWeight = Math.Round(verdict.Score.Weight, 2), EvidenceJson = verdict.Score.EvidenceJson, MergedByUserId = userId,
        });
        store.AuditLog.Add(new AuditEntry
        {
            At = context.Now, UserId = userId, UserName = userId is null ? "identity-resolution" : null, Action = "profile.merged",
            TargetType = "customer", TargetId = s.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Details = $"merged {x} into {s} by {(userId is null ? verdict.Rule : "manual")} (weight {verdict.Score.Weight:F1}, record {sourceRecordId})",
        });
        await store.SaveChangesAsync(cancellationToken);
        context.Redirect(x, s);
        await RebuildProfileAsync(store, survivor, context.Survivorship, cancellationToken);
        context.Touched.Add(s);
    }

    /// <summary>Queues a borderline pair for a person, once: an open or rejected question is not asked again.</summary>
    public async Task RaiseReviewAsync(BatchContext context, Customer a, Customer b, PairScore score, string reason, long? sourceRecordId,
        CancellationToken cancellationToken)
    {
        if (a.Status != CustomerStatus.Active || b.Status != CustomerStatus.Active || a.Id == b.Id) return;
        var (left, right) = (Math.Min(a.Id, b.Id), Math.Max(a.Id, b.Id));
        if (await context.Store.MatchReviews.AnyAsync(r => r.LeftCustomerId == left && r.RightCustomerId == right
                && (r.Status == ReviewStatus.Open || r.Status == ReviewStatus.Rejected), cancellationToken)
            || context.Store.ChangeTracker.Entries<MatchReview>().Any(e => e.Entity.LeftCustomerId == left && e.Entity.RightCustomerId == right))
            return;
        context.Store.MatchReviews.Add(new MatchReview
        {
            LeftCustomerId = left, RightCustomerId = right, Probability = Math.Round(score.Probability, 4), Weight = Math.Round(score.Weight, 2),
            Reason = reason, EvidenceJson = score.EvidenceJson, SourceRecordId = sourceRecordId, Status = ReviewStatus.Open, CreatedAt = context.Now,
        });
    }

    /// <summary>Consent never widens on merge: per purpose, a restrictive choice beats a grant; the conflict is audited for privacy officers.</summary>
    private static async Task MergeConsentAsync(ProfileStore store, long s, long x, DateTime now, string? userId, CancellationToken cancellationToken)
    {
        var states = await store.ConsentStates.Where(c => c.CustomerId == s || c.CustomerId == x).ToListAsync(cancellationToken);
        foreach (var purpose in states.Select(c => c.Purpose).Distinct())
        {
            var mine = states.FirstOrDefault(c => c.CustomerId == s && c.Purpose == purpose);
            var theirs = states.FirstOrDefault(c => c.CustomerId == x && c.Purpose == purpose);
            if (theirs is null) continue;
            store.ConsentStates.Remove(theirs);
            if (mine is null)
            {
                store.ConsentStates.Add(new ConsentState
                {
                    CustomerId = s, Purpose = purpose, Status = theirs.Status, LawfulBasis = theirs.LawfulBasis,
                    UpdatedAt = theirs.UpdatedAt, ExpiresAt = theirs.ExpiresAt, LastEventId = theirs.LastEventId,
                });
                continue;
            }
            if (mine.Status == theirs.Status) continue;
            var restrictive = new[] { mine, theirs }.Where(c => c.Status != ConsentStatus.Granted).OrderByDescending(c => c.UpdatedAt).First();
            (mine.Status, mine.LawfulBasis, mine.UpdatedAt, mine.ExpiresAt, mine.LastEventId) =
                (restrictive.Status, restrictive.LawfulBasis, restrictive.UpdatedAt, restrictive.ExpiresAt, restrictive.LastEventId);
            store.AuditLog.Add(new AuditEntry
            {
                At = now, UserId = userId, UserName = userId is null ? "identity-resolution" : null, Action = "consent.merge-conflict",
                TargetType = "customer", TargetId = s.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Details = $"{purpose}: profiles {s} and {x} disagreed; kept {restrictive.Status}",
            });
        }
    }

    /// <summary>
    /// Splits a merge: the merged profile gets back the records first resolved to it (or to profiles merged into it
    /// before), with their interactions, notes, consent events and scores; both profiles are rebuilt from their
    /// records, and the pair is remembered as rejected so it is never merged again automatically.
    /// </summary>
    public async Task UnmergeAsync(ProfileStore store, long mergeId, string? userId, string reason, DateTime now, CancellationToken cancellationToken)
    {
        var merge = await store.Merges.SingleAsync(m => m.Id == mergeId, cancellationToken);
        if (merge.UndoneAt is not null) throw new InvalidOperationException("This merge has already been undone.");
        var (s, x) = (merge.SurvivorId, merge.MergedId);
        if (await store.Customers.AnyAsync(c => c.Id == s && c.Status != CustomerStatus.Active, cancellationToken))
            throw new InvalidOperationException("The surviving profile was merged again since; undo that later merge first.");
        // Profiles merged into x before x was merged: they travel back with it.
        var family = new List<long> { x };
        var nested = await store.Merges.Where(m => m.UndoneAt == null && m.Id < merge.Id).Select(m => new { m.SurvivorId, m.MergedId }).ToListAsync(cancellationToken);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var m in nested)
                if (family.Contains(m.SurvivorId) && !family.Contains(m.MergedId)) { family.Add(m.MergedId); changed = true; }
        }
        await store.SourceRecords.Where(r => r.CustomerId == s && r.OriginCustomerId != null && family.Contains(r.OriginCustomerId.Value))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.CustomerId, x), cancellationToken);
        await store.Interactions.Where(i => i.CustomerId == s && i.SourceRecordId != null
                && store.SourceRecords.Any(r => r.Id == i.SourceRecordId && r.CustomerId == x))
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.CustomerId, x), cancellationToken);
        await store.Notes.Where(n => n.CustomerId == s && n.OriginCustomerId != null && family.Contains(n.OriginCustomerId.Value))
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, x), cancellationToken);
        await store.Scores.Where(n => n.CustomerId == s && n.OriginCustomerId != null && family.Contains(n.OriginCustomerId.Value))
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, x), cancellationToken);
        // Purchased items follow their order's record, like its interaction; offer feedback goes back to whom it was recorded for.
        await store.PurchasedItems.Where(i => i.CustomerId == s && i.SourceRecordId != null
                && store.SourceRecords.Any(r => r.Id == i.SourceRecordId && r.CustomerId == x))
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.CustomerId, x), cancellationToken);
        await store.OfferFeedback.Where(f => f.CustomerId == s && f.OriginCustomerId != null && family.Contains(f.OriginCustomerId.Value))
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.CustomerId, x), cancellationToken);
        await store.ConsentEvents.Where(n => n.CustomerId == s && n.OriginCustomerId != null && family.Contains(n.OriginCustomerId.Value))
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.CustomerId, x), cancellationToken);
        await store.ConsentStates.Where(c => c.CustomerId == s || c.CustomerId == x).ExecuteDeleteAsync(cancellationToken);
        await RebuildConsentStatesAsync(store, [s, x], cancellationToken);

        var survivor = await store.Customers.SingleAsync(c => c.Id == s, cancellationToken);
        var restored = await store.Customers.SingleAsync(c => c.Id == x, cancellationToken);
        restored.Status = CustomerStatus.Active;
        restored.MergedIntoId = null;
        restored.UpdatedAt = survivor.UpdatedAt = now;
        await store.Customers.Where(c => c.MergedIntoId == s && family.Contains(c.Id) && c.Id != x)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.MergedIntoId, x), cancellationToken);
        merge.UndoneAt = now;
        merge.UndoneByUserId = userId;
        var (left, right) = (Math.Min(s, x), Math.Max(s, x));
        store.MatchReviews.Add(new MatchReview
        {
            LeftCustomerId = left, RightCustomerId = right, Reason = "unmerged", Status = ReviewStatus.Rejected, CreatedAt = now,
            DecidedAt = now, DecidedByUserId = userId, DecisionReason = reason, EvidenceJson = merge.EvidenceJson, Weight = merge.MatchWeight ?? 0,
        });
        store.AuditLog.Add(new AuditEntry
        {
            At = now, UserId = userId, Action = "profile.unmerged", TargetType = "customer", TargetId = s.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Details = $"split {x} from {s} (merge {merge.Id}, rule {merge.Rule})",
        });
        await store.SaveChangesAsync(cancellationToken);
        var rules = await SurvivorshipAsync(store, cancellationToken);
        await RebuildProfileAsync(store, survivor, rules, cancellationToken);
        await RebuildProfileAsync(store, restored, rules, cancellationToken);
        await store.SaveChangesAsync(cancellationToken);
    }

    public async Task RebuildGoldenRecordAsync(ProfileStore store, long customerId, Survivorship rules, CancellationToken cancellationToken)
    {
        var customer = await store.Customers.SingleAsync(c => c.Id == customerId, cancellationToken);
        GoldenRecord.Rebuild(customer, await RecordsOfAsync(store, customerId, cancellationToken), rules);
        await store.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Recomputes what a profile derives from its records: golden record, identifiers, blocking keys, traits, metrics.</summary>
    public async Task RebuildProfileAsync(ProfileStore store, Customer customer, Survivorship rules, CancellationToken cancellationToken)
    {
        var derived = ProfileDerivation.Derive(customer, await RecordsOfAsync(store, customer.Id, cancellationToken), rules);
        var id = customer.Id;
        await store.Identifiers.Where(i => i.CustomerId == id).ExecuteDeleteAsync(cancellationToken);
        await store.MatchKeys.Where(k => k.CustomerId == id).ExecuteDeleteAsync(cancellationToken);
        await store.Traits.Where(t => t.CustomerId == id).ExecuteDeleteAsync(cancellationToken);
        store.Identifiers.AddRange(derived.Identifiers);
        store.MatchKeys.AddRange(derived.MatchKeys.Select(k => new ProfileMatchKey { KeyHash = k, CustomerId = id }));
        store.Traits.AddRange(derived.Traits);
        customer.Version++;
        await store.SaveChangesAsync(cancellationToken);
    }

    private static async Task<List<(long Id, string SourceKey, NormalisedRecord Record)>> RecordsOfAsync(ProfileStore store, long customerId, CancellationToken cancellationToken)
    {
        var rows = await store.SourceRecords.AsNoTracking().Where(r => r.CustomerId == customerId)
            .Select(r => new { r.Id, r.SourceKey, r.NormalizedJson }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.Id, r.SourceKey, JsonSerializer.Deserialize(r.NormalizedJson, IntakeJson.Storage.NormalisedRecord)!)).ToList();
    }

    /// <summary>Current consent per purpose from the ledger: the latest event wins (<see cref="Consent.ConsentRules"/>).</summary>
    private static Task RebuildConsentStatesAsync(ProfileStore store, long[] customerIds, CancellationToken cancellationToken) =>
        Consent.ConsentRules.AddStatesFromLedgerAsync(store, customerIds, cancellationToken);
}
