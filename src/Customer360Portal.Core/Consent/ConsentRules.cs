using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Consent;

/// <summary>
/// The one rule that turns the ledger into current state, used by the ledger, intake and merge/unmerge alike:
/// per person and purpose the event with the latest <see cref="ConsentEvent.EffectiveAt"/> wins, a tie going to the
/// later-recorded event. A late-arriving older event is kept in the ledger but never overrides a newer state.
/// </summary>
public static class ConsentRules
{
    /// <summary>Whether <paramref name="candidate"/> (effective at that time) replaces the current state.</summary>
    public static bool Supersedes(ConsentState? current, DateTime candidateEffectiveAt) =>
        current is null || candidateEffectiveAt >= current.UpdatedAt;

    /// <summary>The latest event per (customer, purpose).</summary>
    public static IEnumerable<ConsentEvent> Latest(IEnumerable<ConsentEvent> events) =>
        events.GroupBy(e => (e.CustomerId, e.Purpose))
            .Select(g => g.OrderByDescending(e => e.EffectiveAt).ThenByDescending(e => e.Id).First());

    /// <summary>A new state row from an event.</summary>
    public static ConsentState StateOf(ConsentEvent e) => Apply(new ConsentState { CustomerId = e.CustomerId, Purpose = e.Purpose }, e);

    /// <summary>Copies an event's decision onto a state row (whose key stays).</summary>
    public static ConsentState Apply(ConsentState state, ConsentEvent e)
    {
        state.Status = e.Status;
        state.LawfulBasis = e.LawfulBasis;
        state.UpdatedAt = e.EffectiveAt;
        state.ExpiresAt = e.ExpiresAt;
        state.LastEventId = e.Id;
        return state;
    }

    /// <summary>
    /// Adds (tracked, not saved) the current state per purpose of these profiles, projected from their ledger rows.
    /// The caller deletes their old states first; used when rows move between profiles (merge, unmerge, re-resolution).
    /// </summary>
    public static async Task AddStatesFromLedgerAsync(ProfileStore store, IReadOnlyCollection<long> customerIds, CancellationToken cancellationToken)
    {
        var events = await store.ConsentEvents.AsNoTracking().Where(e => customerIds.Contains(e.CustomerId)).ToListAsync(cancellationToken);
        foreach (var latest in Latest(events))
            store.ConsentStates.Add(StateOf(latest));
    }

    /// <summary>
    /// Whether an incoming choice from a source says something new: no state yet, another status or expiry, or an
    /// older choice that differs from what followed it (history). Sources repeat the same preferences on every
    /// event; repeating them in the ledger would bury the real changes.
    /// </summary>
    public static bool IsNews(ConsentState? current, ConsentStatus status, DateTime? expiresAt) =>
        current is null
        || (current.Status == ConsentStatus.Granted) != (status == ConsentStatus.Granted)
        || (status == ConsentStatus.Withdrawn && current.Status == ConsentStatus.Denied)
        || (status == ConsentStatus.Granted && current.ExpiresAt != expiresAt);
}
