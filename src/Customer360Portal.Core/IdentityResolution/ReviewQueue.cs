using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.IdentityResolution;

public sealed record ReviewListItem(long Id, long LeftCustomerId, long RightCustomerId, string? LeftName, string? RightName,
    double Probability, string Reason, DateTime CreatedAt);

public sealed record ReviewEvidence(string Field, string Level, double Weight);

/// <summary>One side of a review: the profile's golden values as the reviewer compares them.</summary>
public sealed record ReviewSide(long CustomerId, string? GivenName, string? FamilyName, string? Email, string? Phone, DateOnly? DateOfBirth,
    string? AddressLine, string? City, string? Postcode, string? Country, int Records, int Identifiers, DateTime? LastActivityAt, IReadOnlyList<string> Sources);

public sealed record ReviewDetail(long Id, ReviewSide Left, ReviewSide Right, double Probability, double Weight, string Reason,
    IReadOnlyList<ReviewEvidence> Evidence, ReviewStatus Status, string? DecisionReason);

/// <summary>
/// The queue of borderline pairs: a person compares the two profiles side by side with the weight each field
/// contributed, then accepts (the profiles merge, recorded as a manual merge) or rejects (remembered: the pair is
/// never proposed or merged automatically again). Every opening and decision is audited.
/// </summary>
public sealed class ReviewQueue(IDbContextFactory<ProfileStore> stores, ProfileMerger merger, MatchModelProvider models, TimeProvider clock)
{
    public async Task<IReadOnlyList<ReviewListItem>> OpenAsync(int take = 100, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await (from r in store.MatchReviews.AsNoTracking()
                      where r.Status == ReviewStatus.Open
                      join left in store.Customers on r.LeftCustomerId equals left.Id
                      join right in store.Customers on r.RightCustomerId equals right.Id
                      orderby r.Probability descending, r.Id
                      select new ReviewListItem(r.Id, r.LeftCustomerId, r.RightCustomerId,
                          (left.GivenName + " " + left.FamilyName).Trim(), (right.GivenName + " " + right.FamilyName).Trim(),
                          r.Probability, r.Reason, r.CreatedAt))
            .Take(take).ToListAsync(cancellationToken);
    }

    public async Task<int> OpenCountAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.MatchReviews.CountAsync(r => r.Status == ReviewStatus.Open, cancellationToken);
    }

    public async Task<ReviewDetail?> DetailAsync(long reviewId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var review = await store.MatchReviews.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reviewId, cancellationToken);
        if (review is null) return null;
        var left = await SideAsync(store, review.LeftCustomerId, cancellationToken);
        var right = await SideAsync(store, review.RightCustomerId, cancellationToken);
        if (left is null || right is null) return null;
        var evidence = string.IsNullOrEmpty(review.EvidenceJson) ? [] :
            JsonSerializer.Deserialize<List<EvidenceRow>>(review.EvidenceJson)!.Select(e => new ReviewEvidence(e.field, e.level, e.weight)).ToList();
        await Audit(store, actor, "review.opened", review, null, cancellationToken);
        return new ReviewDetail(review.Id, left, right, review.Probability, review.Weight, review.Reason, evidence, review.Status, review.DecisionReason);
    }

    /// <summary>Merges the pair (older profile survives) as a manual merge with the reviewer's reason; returns the survivor's id.</summary>
    public async Task<long> AcceptAsync(long reviewId, AuditActor actor, string reason, CancellationToken cancellationToken = default)
    {
        RequireReason(reason);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        var review = await OpenReviewAsync(store, reviewId, cancellationToken);
        var context = new BatchContext(store, await models.CurrentAsync(store, cancellationToken), clock.GetUtcNow().UtcDateTime,
            await merger.SurvivorshipAsync(store, cancellationToken));
        var a = await context.CustomerAsync(review.LeftCustomerId, cancellationToken);
        var b = await context.CustomerAsync(review.RightCustomerId, cancellationToken);
        if (a is not { Status: CustomerStatus.Active } || b is not { Status: CustomerStatus.Active })
            throw new InvalidOperationException("One of these profiles was merged or erased since the review was raised.");
        var (survivor, merged) = ProfileMerger.Order(a, b);
        var score = merger.Score(context, survivor, PersonRecords.From(merged, await context.AccountIdAsync(merged, cancellationToken)));
        review.Status = ReviewStatus.Accepted;
        Decide(review, actor, reason);
        await merger.MergeAsync(context, survivor, merged, new MergeVerdict(true, null, score, "manual"), review.SourceRecordId, actor.UserId ?? actor.Name, cancellationToken);
        await Audit(store, actor, "review.accepted", review, reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return survivor.Id;
    }

    /// <summary>Keeps the two profiles apart for good: resolution never merges a rejected pair.</summary>
    public async Task RejectAsync(long reviewId, AuditActor actor, string reason, CancellationToken cancellationToken = default)
    {
        RequireReason(reason);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var review = await OpenReviewAsync(store, reviewId, cancellationToken);
        review.Status = ReviewStatus.Rejected;
        Decide(review, actor, reason);
        await Audit(store, actor, "review.rejected", review, reason, cancellationToken);
    }

    private static void RequireReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("Give a reason for the decision.", nameof(reason));
    }

    private void Decide(MatchReview review, AuditActor actor, string reason)
    {
        review.DecidedAt = clock.GetUtcNow().UtcDateTime;
        review.DecidedByUserId = actor.UserId ?? actor.Name;
        review.DecisionReason = reason.Trim().Length <= 1000 ? reason.Trim() : reason.Trim()[..1000];
    }

    private static async Task<MatchReview> OpenReviewAsync(ProfileStore store, long reviewId, CancellationToken cancellationToken)
    {
        var review = await store.MatchReviews.SingleOrDefaultAsync(r => r.Id == reviewId, cancellationToken)
            ?? throw new InvalidOperationException("There is no such review.");
        if (review.Status != ReviewStatus.Open) throw new InvalidOperationException($"This review was already decided ({review.Status}).");
        return review;
    }

    private async Task Audit(ProfileStore store, AuditActor actor, string action, MatchReview review, string? reason, CancellationToken cancellationToken)
    {
        // The reason is the reviewer's own words about two profiles; it is kept on the review, not copied into the audit log.
        store.AuditLog.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, UserId = actor.UserId, UserName = actor.Name, Action = action, TargetType = "match-review",
            TargetId = review.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Details = $"profiles {review.LeftCustomerId} and {review.RightCustomerId}{(reason is null ? "" : ", reason recorded on the review")}",
        });
        await store.SaveChangesAsync(cancellationToken);
    }

    private static async Task<ReviewSide?> SideAsync(ProfileStore store, long customerId, CancellationToken cancellationToken)
    {
        var c = await store.Customers.AsNoTracking().SingleOrDefaultAsync(x => x.Id == customerId, cancellationToken);
        if (c is null) return null;
        var records = await store.SourceRecords.CountAsync(r => r.CustomerId == customerId, cancellationToken);
        var identifiers = await store.Identifiers.CountAsync(i => i.CustomerId == customerId, cancellationToken);
        var sources = await store.SourceRecords.Where(r => r.CustomerId == customerId).Select(r => r.SourceKey).Distinct().ToListAsync(cancellationToken);
        return new ReviewSide(c.Id, c.GivenName, c.FamilyName, c.Email, c.Phone, c.DateOfBirth, c.AddressLine, c.City, c.Postcode, c.Country,
            records, identifiers, c.LastActivityAt, sources);
    }

    private sealed record EvidenceRow(string field, string level, double weight);
}
