using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Segments;

/// <summary>A saved segment as the list shows it.</summary>
public sealed record SegmentSummary(long Id, string Name, string Sentence, int Version, string OwnerName, int? Size, DateTime? RefreshedAt,
    DateTime? DataAsOf, DateTime UpdatedAt, DateTime? ArchivedAt, bool RefreshPending, string? RefreshError);

/// <summary>
/// Saved segments: create, save (every save keeps the previous definition as a version), duplicate, archive and restore,
/// and ask for a membership refresh. Definitions are validated before they are stored, including membership rules (the
/// segment must exist and must not lead back to the one being saved).
/// </summary>
public sealed class SegmentCatalog(IDbContextFactory<ProfileStore> stores, AuditLog audit, TimeProvider clock, SegmentChangeNotifier notifier)
{
    public async Task<IReadOnlyList<SegmentSummary>> ListAsync(bool includeArchived = false, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var segments = await store.Segments.AsNoTracking().Where(s => includeArchived || s.ArchivedAt == null).OrderBy(s => s.Name)
            .ToListAsync(cancellationToken);
        var names = segments.ToDictionary(s => s.Id, s => s.Name);
        return segments.Select(s => Summary(s, names)).ToList();
    }

    public async Task<Segment?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
    }

    /// <summary>Names of all saved segments, for sentences and the membership rule's picker.</summary>
    public async Task<IReadOnlyDictionary<long, string>> NamesAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.Segments.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
    }

    public async Task<long> CreateAsync(string name, SegmentRule rule, AuditActor actor, string? description = null, CancellationToken cancellationToken = default)
    {
        name = CheckName(name);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await CheckRulesAsync(store, null, rule, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var segment = new Segment
        {
            Name = name, Description = description, DefinitionJson = SegmentRuleJson.Write(rule), Version = 1, OwnerUserId = actor.UserId ?? "",
            OwnerName = actor.Name, CreatedAt = now, UpdatedAt = now, RefreshRequestedAt = now,
        };
        store.Segments.Add(segment);
        await store.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(actor, "segment.created", "segment", Id(segment.Id), $"version 1", cancellationToken);
        notifier.Changed(segment.Id);
        return segment.Id;
    }

    /// <summary>Saves a new definition; the previous one is kept as a version. Returns the new version number.</summary>
    public async Task<int> SaveAsync(long id, string name, SegmentRule rule, AuditActor actor, string? description = null, CancellationToken cancellationToken = default)
    {
        name = CheckName(name);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var segment = await store.Segments.SingleOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new SegmentRuleException("The segment no longer exists.");
        await CheckRulesAsync(store, id, rule, cancellationToken);
        var json = SegmentRuleJson.Write(rule);
        if (json == segment.DefinitionJson && name == segment.Name && description == segment.Description) return segment.Version;
        var now = clock.GetUtcNow().UtcDateTime;
        store.SegmentVersions.Add(new SegmentVersion
        {
            SegmentId = id, Version = segment.Version, Name = segment.Name, DefinitionJson = segment.DefinitionJson, SavedAt = segment.UpdatedAt,
            SavedByName = segment.OwnerName,
        });
        var rulesChanged = json != segment.DefinitionJson;
        segment.Version++;
        segment.Name = name;
        segment.Description = description;
        segment.DefinitionJson = json;
        segment.UpdatedAt = now;
        if (rulesChanged) segment.RefreshRequestedAt = now;
        await store.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(actor, "segment.saved", "segment", Id(id), $"version {segment.Version.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        notifier.Changed(id);
        return segment.Version;
    }

    public async Task<long> DuplicateAsync(long id, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var original = await GetAsync(id, cancellationToken) ?? throw new SegmentRuleException("The segment no longer exists.");
        var name = original.Name.StartsWith("Copy of ", StringComparison.Ordinal) ? original.Name : "Copy of " + original.Name;
        return await CreateAsync(name.Length > 200 ? name[..200] : name, SegmentRuleJson.Parse(original.DefinitionJson), actor, original.Description, cancellationToken);
    }

    public async Task SetArchivedAsync(long id, bool archived, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await store.Segments.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.ArchivedAt, archived ? now : null)
            .SetProperty(s => s.RefreshRequestedAt, archived ? null : now), cancellationToken);
        if (changed == 0) throw new SegmentRuleException("The segment no longer exists.");
        await audit.WriteAsync(actor, archived ? "segment.archived" : "segment.restored", "segment", Id(id), null, cancellationToken);
        notifier.Changed(id);
    }

    /// <summary>Asks the refresh service to recompute membership now (it is also refreshed on a schedule).</summary>
    public async Task RequestRefreshAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await store.Segments.Where(s => s.Id == id && s.ArchivedAt == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.RefreshRequestedAt, now), cancellationToken);
        notifier.RefreshRequested();
        notifier.Changed(id);
    }

    /// <summary>Earlier definitions, newest first (the current one is on the segment itself).</summary>
    public async Task<IReadOnlyList<SegmentVersion>> VersionsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.SegmentVersions.AsNoTracking().Where(v => v.SegmentId == id).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
    }

    /// <summary>Size, entered and exited per refresh, oldest first.</summary>
    public async Task<IReadOnlyList<SegmentSnapshot>> HistoryAsync(long id, DateTime? since = null, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.SegmentSnapshots.AsNoTracking().Where(s => s.SegmentId == id && (since == null || s.ComputedAt >= since))
            .OrderBy(s => s.ComputedAt).ToListAsync(cancellationToken);
    }

    public static SegmentSummary Summary(Segment s, IReadOnlyDictionary<long, string>? names = null)
    {
        var sentence = SegmentRuleJson.TryParse(s.DefinitionJson, out var rule, out var error) ? SegmentSentence.Describe(rule!, names) : error!;
        return new SegmentSummary(s.Id, s.Name, sentence, s.Version, s.OwnerName, s.Size, s.RefreshedAt, s.DataAsOf, s.UpdatedAt, s.ArchivedAt,
            s.RefreshRequestedAt is not null, s.RefreshError);
    }

    private static string CheckName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0) throw new SegmentRuleException("Give the segment a name.");
        if (trimmed.Length > 200) throw new SegmentRuleException("The name can be at most 200 characters.");
        return trimmed;
    }

    /// <summary>Valid rules, and membership rules that point at saved segments without leading back to <paramref name="selfId"/>.</summary>
    private static async Task CheckRulesAsync(ProfileStore store, long? selfId, SegmentRule rule, CancellationToken cancellationToken)
    {
        var problems = SegmentValidation.Validate(rule).ToList();
        var definitions = await store.Segments.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.DefinitionJson, cancellationToken);
        foreach (var reference in References(rule).Distinct())
        {
            if (!definitions.ContainsKey(reference)) problems.Add($"Segment #{reference} does not exist.");
            else if (selfId is { } self && LeadsTo(reference, self, definitions, [])) problems.Add("A segment cannot depend on itself (directly or through other segments).");
        }
        if (problems.Count > 0) throw new SegmentRuleException(string.Join(" ", problems));
    }

    private static bool LeadsTo(long from, long target, Dictionary<long, string> definitions, HashSet<long> seen)
    {
        if (from == target) return true;
        if (!seen.Add(from) || !definitions.TryGetValue(from, out var json) || !SegmentRuleJson.TryParse(json, out var rule, out _)) return false;
        return References(rule!).Any(next => LeadsTo(next, target, definitions, seen));
    }

    public static IEnumerable<long> References(SegmentRule rule) => rule switch
    {
        GroupRule g => g.Rules.SelectMany(References),
        SegmentMembershipRule m => [m.SegmentId],
        _ => [],
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Pushes segment changes (saved, refreshed) to open pages, and wakes the refresh service for on-demand refreshes.</summary>
public sealed class SegmentChangeNotifier
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public event Action<long>? SegmentChanged;

    public void Changed(long segmentId) => SegmentChanged?.Invoke(segmentId);

    public void RefreshRequested()
    {
        try { wake.Release(); } catch (SemaphoreFullException) { }
    }

    /// <summary>Waits for a refresh request or the timeout, whichever comes first.</summary>
    public Task<bool> WaitForRequestAsync(TimeSpan timeout, CancellationToken cancellationToken) => wake.WaitAsync(timeout, cancellationToken);
}

/// <summary>One refresh of a segment, for charts: its size, who entered and left, and how fresh the data was.</summary>
public sealed record SegmentHistoryPoint(DateTime At, int Size, int Entered, int Exited, DateTime? DataAsOf);
