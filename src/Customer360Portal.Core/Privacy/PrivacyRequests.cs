using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Privacy;

/// <summary>Which requests the queue shows.</summary>
public enum RequestFilter { Open, Overdue, Mine, All }

/// <summary>A request as it arrives, from the portal's "New request" dialog or the intake API.</summary>
public sealed record NewPrivacyRequest(PrivacyRequestType Type, Regulation Regulation, string SubjectContact, string? Details, string Channel,
    long? CustomerId = null);

public sealed record PrivacyRequestListItem(long Id, PrivacyRequestType Type, Regulation Regulation, PrivacyRequestStatus Status,
    IdentityVerification Verification, long? CustomerId, DateTime ReceivedAt, DateTime DueAt, string? AssignedToUserId, string? AssigneeName,
    string Channel, bool Overdue, bool DueSoon);

public sealed record PrivacyRequestHistoryEntry(DateTime At, string? UserId, string? UserName, string Action, string? Note);

public sealed record PrivacyRequestDetail(PrivacyRequest Request, bool Overdue, bool DueSoon, string? AssigneeName,
    IReadOnlyList<PrivacyRequestHistoryEntry> History)
{
    public bool IsOpen => PrivacyRequests.IsOpen(Request.Status);
}

/// <summary>A profile that matches the subject's contact details, offered to the privacy officer to link.</summary>
public sealed record SubjectProfileMatch(long CustomerId, string DisplayName, string? Email, string? Phone, string MatchedOn);

/// <summary>The request changed (or was closed) since the caller read it: reload and decide again.</summary>
public sealed class PrivacyRequestConflictException(string message) : InvalidOperationException(message);

/// <summary>
/// The privacy officers' queue of data-subject requests (access, rectification, erasure, restriction, objection):
/// intake with the due date the regulation sets, assignment, identity verification, the profile the request is about,
/// status changes and notes. Every action writes a history event on the request (with the officer's reason) and an
/// audit entry (who, what, which request, never the subject's contact details or words, because the audit log outlives
/// erasure). Changes are guarded by the request's <see cref="PrivacyRequest.Version"/>.
/// </summary>
public sealed class PrivacyRequests(IDbContextFactory<ProfileStore> stores, TimeProvider clock)
{
    /// <summary>Open requests due within this many days are flagged "due soon".</summary>
    public static readonly TimeSpan DueSoonWindow = TimeSpan.FromDays(7);

    public const int MaxContactLength = 320;
    public const int MaxDetailsLength = 4000;
    public const int MaxNoteLength = 2000;

    public static bool IsOpen(PrivacyRequestStatus status) => status is PrivacyRequestStatus.Received or PrivacyRequestStatus.InProgress;

    /// <summary>
    /// GDPR article 12(3): one month from receipt (the same day of the next month, or its last day when it has none).
    /// CCPA (Cal. Civ. Code 1798.130): 45 calendar days. Extensions are not modelled: they are noted on the request.
    /// </summary>
    public static DateTime DueDate(Regulation regulation, DateTime receivedAt) => regulation switch
    {
        Regulation.Gdpr => receivedAt.AddMonths(1),
        Regulation.Ccpa => receivedAt.AddDays(45),
        _ => throw new ArgumentOutOfRangeException(nameof(regulation)),
    };

    public async Task<PrivacyRequest> FileAsync(NewPrivacyRequest request, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var contact = request.SubjectContact?.Trim() ?? "";
        if (contact.Length == 0) throw new ArgumentException("Say how to reach the person (usually their email).", nameof(request));
        if (contact.Length > MaxContactLength) throw new ArgumentException($"The contact holds at most {MaxContactLength} characters.", nameof(request));
        var details = string.IsNullOrWhiteSpace(request.Details) ? null : request.Details.Trim();
        if (details?.Length > MaxDetailsLength) throw new ArgumentException($"The details hold at most {MaxDetailsLength:N0} characters.", nameof(request));
        if (!Enum.IsDefined(request.Type)) throw new ArgumentException("Unknown request type.", nameof(request));
        if (!Enum.IsDefined(request.Regulation)) throw new ArgumentException("Unknown regulation.", nameof(request));
        var channel = string.IsNullOrWhiteSpace(request.Channel) ? "portal" : request.Channel.Trim();
        if (channel.Length > 64) channel = channel[..64];

        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        if (request.CustomerId is { } customerId && !await store.Customers.AnyAsync(c => c.Id == customerId, cancellationToken))
            throw new ArgumentException("No profile has that id.", nameof(request));
        var now = Now();
        var entity = new PrivacyRequest
        {
            Type = request.Type, Regulation = request.Regulation, Status = PrivacyRequestStatus.Received,
            Verification = IdentityVerification.NotVerified, CustomerId = request.CustomerId, SubjectContact = contact, Details = details,
            Channel = channel, ReceivedAt = now, DueAt = DueDate(request.Regulation, now), Version = 1,
        };
        store.PrivacyRequests.Add(entity);
        await store.SaveChangesAsync(cancellationToken);
        AddEvent(store, entity, actor, "received", $"via {channel}", now);
        AddAudit(store, actor, "privacy-request.received", entity,
            $"{entity.Type} under {entity.Regulation} via {channel}, due {Day(entity.DueAt)}", now);
        await store.SaveChangesAsync(cancellationToken);
        return entity;
    }

    public async Task<IReadOnlyList<PrivacyRequestListItem>> ListAsync(RequestFilter filter, PrivacyRequestType? type = null, string? currentUserId = null,
        int take = 500, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = Now();
        var query = store.PrivacyRequests.AsNoTracking();
        query = filter switch
        {
            RequestFilter.Open => query.Where(r => r.Status == PrivacyRequestStatus.Received || r.Status == PrivacyRequestStatus.InProgress),
            RequestFilter.Overdue => query.Where(r => (r.Status == PrivacyRequestStatus.Received || r.Status == PrivacyRequestStatus.InProgress) && r.DueAt < now),
            // Without a user, "mine" is nothing (not the unassigned requests).
            RequestFilter.Mine => query.Where(r => currentUserId != null && r.AssignedToUserId == currentUserId
                && (r.Status == PrivacyRequestStatus.Received || r.Status == PrivacyRequestStatus.InProgress)),
            _ => query,
        };
        if (type is { } t) query = query.Where(r => r.Type == t);
        // Open requests by due date (the most urgent first); closed ones after, newest first.
        var rows = await query
            .OrderBy(r => r.Status == PrivacyRequestStatus.Received || r.Status == PrivacyRequestStatus.InProgress ? 0 : 1)
            .ThenBy(r => r.Status == PrivacyRequestStatus.Received || r.Status == PrivacyRequestStatus.InProgress ? r.DueAt : DateTime.MinValue)
            .ThenByDescending(r => r.ReceivedAt)
            .Take(take).ToListAsync(cancellationToken);
        var names = await UserNamesAsync(store, rows.Select(r => r.AssignedToUserId), cancellationToken);
        return rows.Select(r => new PrivacyRequestListItem(r.Id, r.Type, r.Regulation, r.Status, r.Verification, r.CustomerId, r.ReceivedAt, r.DueAt,
            r.AssignedToUserId, r.AssignedToUserId is { } u ? names.GetValueOrDefault(u) : null, r.Channel,
            IsOverdue(r, now), IsDueSoon(r, now))).ToList();
    }

    /// <summary>Counts for the queue's header: open and overdue.</summary>
    public async Task<(int Open, int Overdue)> CountsAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = Now();
        var open = store.PrivacyRequests.Where(r => r.Status == PrivacyRequestStatus.Received || r.Status == PrivacyRequestStatus.InProgress);
        return (await open.CountAsync(cancellationToken), await open.CountAsync(r => r.DueAt < now, cancellationToken));
    }

    public async Task<PrivacyRequestDetail?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var request = await store.PrivacyRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null) return null;
        var events = await store.PrivacyRequestEvents.AsNoTracking().Where(e => e.RequestId == id)
            .OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(cancellationToken);
        var names = await UserNamesAsync(store, events.Select(e => e.UserId).Append(request.AssignedToUserId), cancellationToken);
        var now = Now();
        return new PrivacyRequestDetail(request, IsOverdue(request, now), IsDueSoon(request, now),
            request.AssignedToUserId is { } a ? names.GetValueOrDefault(a) : null,
            events.Select(e => new PrivacyRequestHistoryEntry(e.At, e.UserId, e.UserId is { } u ? names.GetValueOrDefault(u) : null, e.Action, e.Note)).ToList());
    }

    /// <summary>Assigns the request to a user (null: nobody). Returns the new version.</summary>
    public Task<long> AssignAsync(long id, long expectedVersion, string? userId, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, expectedVersion, actor, requireOpen: true, async (store, request, now) =>
        {
            if (request.AssignedToUserId == userId) return null;
            string? name = null;
            if (userId is not null)
            {
                name = await store.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken)
                    ?? throw new ArgumentException("No such user.", nameof(userId));
            }
            request.AssignedToUserId = userId;
            // Staff names are not customer data: they may go into the history and the audit entry.
            var what = userId is null ? "unassigned" : $"assigned to {(string.IsNullOrWhiteSpace(name) ? userId : name)}";
            return ("assigned", what, what);
        }, cancellationToken);

    /// <summary>Records the outcome of the identity check. A failed check needs a note saying why.</summary>
    public Task<long> SetVerificationAsync(long id, long expectedVersion, IdentityVerification verification, string? note, AuditActor actor,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(id, expectedVersion, actor, requireOpen: true, (_, request, _) =>
        {
            note = Clean(note);
            if (verification == IdentityVerification.Failed && note is null)
                throw new ArgumentException("Say why the identity check failed.", nameof(note));
            if (request.Verification == verification && note is null) return Task.FromResult<(string, string?, string)?>(null);
            var before = request.Verification;
            request.Verification = verification;
            return Task.FromResult<(string, string?, string)?>(($"verification:{verification}", note,
                $"identity verification {before} -> {verification}{(note is null ? "" : " (reason in the request history)")}"));
        }, cancellationToken);

    /// <summary>
    /// Profiles the subject's contact points at: a profile id, or an exact email or phone identifier (merged-away profiles
    /// lead to the one they were merged into). Audited without the text searched for.
    /// </summary>
    public async Task<IReadOnlyList<SubjectProfileMatch>> FindProfilesAsync(long requestId, string query, AuditActor actor, string defaultRegion = "GB",
        CancellationToken cancellationToken = default)
    {
        query = query?.Trim() ?? "";
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var found = new Dictionary<long, string>();
        if (query.Length > 0)
        {
            if (long.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && query.Length < 15)
                found[id] = "profile id";
            if (query.Contains('@') && EmailAddresses.TryNormalise(query, out var email))
                foreach (var c in await store.Identifiers.Where(i => i.Type == IdentifierType.Email && i.Value == email).Select(i => i.CustomerId).Distinct().ToListAsync(cancellationToken))
                    found.TryAdd(c, "email");
            else if (!query.Contains('@') && Phones.TryNormalise(query, defaultRegion, acceptFictional: true, out var phone))
                foreach (var c in await store.Identifiers.Where(i => i.Type == IdentifierType.Phone && i.Value == phone).Select(i => i.CustomerId).Distinct().ToListAsync(cancellationToken))
                    found.TryAdd(c, "phone");
        }

        var matches = new List<SubjectProfileMatch>();
        var seen = new HashSet<long>();
        foreach (var (candidate, matchedOn) in found)
        {
            var profile = await IdentityGraph.FollowRedirectsAsync(store, candidate, cancellationToken);
            if (profile is null || profile.Status == CustomerStatus.Erased || !seen.Add(profile.Id)) continue;
            var name = string.Join(' ', new[] { profile.GivenName, profile.FamilyName }.Where(n => !string.IsNullOrWhiteSpace(n)));
            matches.Add(new SubjectProfileMatch(profile.Id, name.Length == 0 ? $"Profile {profile.Id}" : name, profile.Email, profile.Phone, matchedOn));
        }
        AddAudit(store, actor, "privacy-request.profile-searched", requestId, $"{matches.Count} profile(s) found", Now());
        await store.SaveChangesAsync(cancellationToken);
        return matches;
    }

    /// <summary>Links the request to the profile it is about (a merged-away id is replaced by its survivor), or unlinks it.</summary>
    public Task<long> LinkCustomerAsync(long id, long expectedVersion, long? customerId, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, expectedVersion, actor, requireOpen: true, async (store, request, _) =>
        {
            long? target = null;
            if (customerId is { } c)
            {
                var profile = await IdentityGraph.FollowRedirectsAsync(store, c, cancellationToken);
                if (profile is null || profile.Status == CustomerStatus.Erased) throw new ArgumentException("No profile has that id.", nameof(customerId));
                target = profile.Id;
            }
            if (request.CustomerId == target) return null;
            request.CustomerId = target;
            var what = target is null ? "profile unlinked" : $"linked to profile {target.Value.ToString(CultureInfo.InvariantCulture)}";
            return ("linked", what, what);
        }, cancellationToken);

    /// <summary>
    /// Moves the request on. Completing needs a verified identity (and for an access request, an exported package unless no
    /// profile is linked); rejecting needs a reason. Closed requests stay closed.
    /// </summary>
    public Task<long> ChangeStatusAsync(long id, long expectedVersion, PrivacyRequestStatus status, string? reason, AuditActor actor,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(id, expectedVersion, actor, requireOpen: true, async (store, request, now) =>
        {
            reason = Clean(reason);
            if (request.Status == status) return null;
            switch (status)
            {
                case PrivacyRequestStatus.Received:
                    throw new InvalidOperationException("A request cannot go back to received.");
                case PrivacyRequestStatus.InProgress:
                    break;
                case PrivacyRequestStatus.Completed:
                    if (request.Verification != IdentityVerification.Verified)
                        throw new InvalidOperationException("Verify the person's identity before completing the request.");
                    if (request.Type == PrivacyRequestType.Access)
                        request.Outcome = await AccessOutcomeAsync(store, request, cancellationToken);
                    else if (request.Outcome is null && reason is not null)
                        request.Outcome = "Completed; see the request history.";
                    request.CompletedAt = now;
                    break;
                case PrivacyRequestStatus.Rejected:
                    if (reason is null) throw new ArgumentException("Give a reason for rejecting the request.", nameof(reason));
                    request.Outcome = "Rejected; the reason is in the request history.";
                    request.CompletedAt = now;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(status));
            }
            var before = request.Status;
            request.Status = status;
            return ($"status:{status}", reason,
                $"status {before} -> {status}{(reason is null ? "" : " (reason in the request history)")}");
        }, cancellationToken);

    public Task<long> AddNoteAsync(long id, long expectedVersion, string note, AuditActor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, expectedVersion, actor, requireOpen: false, (_, _, _) =>
        {
            var text = Clean(note) ?? throw new ArgumentException("The note is empty.", nameof(note));
            return Task.FromResult<(string, string?, string)?>(("note", text, "note added (text in the request history)"));
        }, cancellationToken);

    /// <summary>Records on the request that an access package was exported (name and size only). Used by <see cref="AccessPackage"/>.</summary>
    internal async Task RecordPackageExportAsync(long requestId, string fileName, long bytes, AuditActor actor, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var request = await store.PrivacyRequests.SingleOrDefaultAsync(r => r.Id == requestId, cancellationToken)
            ?? throw new InvalidOperationException("The request no longer exists.");
        // No version bump: an export changes nothing an officer decides on, so it never makes their open copy stale.
        AddEvent(store, request, actor, PackageExportedAction, PackageNote(fileName, bytes), Now());
        await store.SaveChangesAsync(cancellationToken);
    }

    internal const string PackageExportedAction = "access-package.exported";

    internal static string PackageNote(string fileName, long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{fileName} ({bytes} bytes)");

    private static async Task<string> AccessOutcomeAsync(ProfileStore store, PrivacyRequest request, CancellationToken cancellationToken)
    {
        if (request.CustomerId is null) return "No profile matched the person: no personal data held.";
        var exported = await store.PrivacyRequestEvents.AsNoTracking()
            .Where(e => e.RequestId == request.Id && e.Action == PackageExportedAction)
            .OrderByDescending(e => e.Id).Select(e => e.Note).FirstOrDefaultAsync(cancellationToken);
        return exported is null
            ? throw new InvalidOperationException("Download the access package for the linked profile before completing the request.")
            : $"Access package {exported} provided.";
    }

    /// <summary>Loads, checks the version, applies the change, writes history + audit, bumps the version; one SaveChanges.</summary>
    private async Task<long> ChangeAsync(long id, long expectedVersion, AuditActor actor, bool requireOpen,
        Func<ProfileStore, PrivacyRequest, DateTime, Task<(string Action, string? Note, string AuditDetails)?>> change, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var request = await store.PrivacyRequests.SingleOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new PrivacyRequestConflictException("The request no longer exists.");
        if (request.Version != expectedVersion)
            throw new PrivacyRequestConflictException("Someone else changed this request meanwhile; it has been reloaded, please check and try again.");
        if (requireOpen && !IsOpen(request.Status))
            throw new PrivacyRequestConflictException("The request is closed; only notes can be added.");
        var now = Now();
        var result = await change(store, request, now);
        if (result is not { } done) return request.Version;
        request.Version = expectedVersion + 1;
        AddEvent(store, request, actor, done.Action, done.Note, now);
        AddAudit(store, actor, "privacy-request." + done.Action.Split(':')[0], request, done.AuditDetails, now);
        try
        {
            await store.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new PrivacyRequestConflictException("Someone else changed this request meanwhile; it has been reloaded, please check and try again.");
        }
        return request.Version;
    }

    private static async Task<Dictionary<string, string>> UserNamesAsync(ProfileStore store, IEnumerable<string?> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        if (wanted.Count == 0) return [];
        return await store.Users.AsNoTracking().Where(u => wanted.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.UserName ?? u.Id : u.DisplayName, cancellationToken);
    }

    private static bool IsOverdue(PrivacyRequest r, DateTime now) => IsOpen(r.Status) && r.DueAt < now;

    private static bool IsDueSoon(PrivacyRequest r, DateTime now) => IsOpen(r.Status) && r.DueAt >= now && r.DueAt - now <= DueSoonWindow;

    private static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        return text.Length > MaxNoteLength ? throw new ArgumentException($"Notes and reasons hold at most {MaxNoteLength:N0} characters.") : text;
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private static string Day(DateTime at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void AddEvent(ProfileStore store, PrivacyRequest request, AuditActor actor, string action, string? note, DateTime at) =>
        store.PrivacyRequestEvents.Add(new PrivacyRequestEvent { RequestId = request.Id, At = at, UserId = actor.UserId, Action = action, Note = note });

    private static void AddAudit(ProfileStore store, AuditActor actor, string action, PrivacyRequest request, string details, DateTime at) =>
        AddAudit(store, actor, action, request.Id, $"{request.Type}: {details}", at);

    internal static void AddAudit(ProfileStore store, AuditActor actor, string action, long requestId, string details, DateTime at) =>
        store.AuditLog.Add(new AuditEntry
        {
            At = at, UserId = actor.UserId, UserName = actor.Name, Action = action, TargetType = "privacy-request",
            TargetId = requestId.ToString(CultureInfo.InvariantCulture), Details = details,
            CorrelationId = System.Diagnostics.Activity.Current?.TraceId.ToString(),
        });
}
