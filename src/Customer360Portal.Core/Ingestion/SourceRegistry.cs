using System.Collections.Concurrent;
using System.Security.Cryptography;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Ingestion;

/// <summary>A newly issued key: the secret is shown once and never stored.</summary>
public sealed record IssuedKey(int Id, string SourceKey, ApiKeyKind Kind, string Secret);

public sealed record SourceKeyInfo(int Id, ApiKeyKind Kind, string Prefix, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt);

/// <summary>
/// Data sources and their keys: registration, sync steering (pause, resume, run now) and API-key checks. Keys are
/// random 32-byte secrets shown once; the store keeps a prefix to find them and a SHA-256 hash to check them.
/// </summary>
public sealed class SourceRegistry(IDbContextFactory<ProfileStore> stores, AuditLog audit, TimeProvider clock)
{
    private const string SecretPrefix = "c360_";
    private readonly ConcurrentDictionary<string, (string? SourceKey, DateTime CheckedAt)> verified = new();
    private static readonly TimeSpan VerifiedCacheTime = TimeSpan.FromSeconds(30);

    public async Task<DataSource> EnsureSourceAsync(string key, string displayName, SourceKind kind, ConnectorStyle connector,
        string? settingsJson = null, int trustRank = 0, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var source = await store.DataSources.SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (source is not null) return source;
        source = new DataSource
        {
            Key = key, DisplayName = displayName, Kind = kind, Connector = connector, SettingsJson = settingsJson,
            TrustRank = trustRank, CreatedAt = clock.GetUtcNow().UtcDateTime, State = SyncState.Running,
        };
        store.DataSources.Add(source);
        await store.SaveChangesAsync(cancellationToken);
        return source;
    }

    public async Task<IReadOnlyList<DataSource>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.DataSources.AsNoTracking().OrderBy(s => s.Key).ToListAsync(cancellationToken);
    }

    public async Task<DataSource?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.DataSources.AsNoTracking().SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
    }

    public Task PauseAsync(string key, AuditActor actor) => SteerAsync(key, actor, "sync.paused", s => s.State = SyncState.Paused);
    public Task ResumeAsync(string key, AuditActor actor) => SteerAsync(key, actor, "sync.resumed", s => s.State = SyncState.Running);
    public Task RunNowAsync(string key, AuditActor actor) => SteerAsync(key, actor, "sync.run-requested", s => s.RunRequestedAt = clock.GetUtcNow().UtcDateTime);

    private async Task SteerAsync(string key, AuditActor actor, string action, Action<DataSource> change)
    {
        await using var store = await stores.CreateDbContextAsync();
        var source = await store.DataSources.SingleAsync(s => s.Key == key);
        change(source);
        await store.SaveChangesAsync();
        await audit.WriteAsync(actor, action, "source", key);
    }

    public async Task MarkRunStartedAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await store.DataSources.Where(s => s.Key == key).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastRunAt, now), cancellationToken);
    }

    public async Task MarkRunSucceededAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await store.DataSources.Where(s => s.Key == key).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.LastSuccessAt, now)
            .SetProperty(s => s.LastError, (string?)null)
            .SetProperty(s => s.State, s => s.State == SyncState.Failing ? SyncState.Running : s.State), cancellationToken);
    }

    /// <summary>Backfill progress for the admin page: the source's total against what is stored so far.</summary>
    public async Task ReportBackfillAsync(string key, long total, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await store.DataSources.Where(s => s.Key == key).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.BackfillTotal, total)
            .SetProperty(s => s.BackfillDone, s => s.Stored + s.Duplicates + s.Quarantined + s.Suppressed), cancellationToken);
    }

    /// <summary>Records a failed sync pass so the admin page shows it; the message must carry no personal data.</summary>
    public async Task ReportFailureAsync(string key, string error, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await store.DataSources.Where(s => s.Key == key).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.State, s => s.State == SyncState.Paused ? SyncState.Paused : SyncState.Failing)
            .SetProperty(s => s.LastError, error.Length <= 1000 ? error : error.Substring(0, 1000))
            .SetProperty(s => s.LastRunAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
    }

    public async Task<IssuedKey> IssueKeyAsync(string sourceKey, ApiKeyKind kind, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var secret = SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        // Activation keys belong to a tool that reads segments, not to a data source.
        if (kind != ApiKeyKind.Activation && !await store.DataSources.AnyAsync(s => s.Key == sourceKey, cancellationToken))
            throw new UnknownSourceException(sourceKey);
        var key = new SourceApiKey
        {
            SourceKey = sourceKey, Kind = kind, Prefix = PrefixOf(secret), SecretHash = Hash(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime, CreatedByUserId = actor.UserId,
        };
        store.SourceApiKeys.Add(key);
        await store.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(actor, "source.key-issued", "source", sourceKey, $"key {key.Id} ({kind})", cancellationToken);
        return new IssuedKey(key.Id, sourceKey, kind, secret);
    }

    /// <summary>Issues a new key and revokes the old ones of that kind, for a rotation without a gap the caller controls.</summary>
    public async Task<IssuedKey> RotateKeyAsync(string sourceKey, ApiKeyKind kind, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var issued = await IssueKeyAsync(sourceKey, kind, actor, cancellationToken);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await store.SourceApiKeys.Where(k => k.SourceKey == sourceKey && k.Kind == kind && k.Id != issued.Id && k.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, now), cancellationToken);
        verified.Clear();
        await audit.WriteAsync(actor, "source.keys-rotated", "source", sourceKey, kind.ToString(), cancellationToken);
        return issued;
    }

    public async Task RevokeKeyAsync(int keyId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var key = await store.SourceApiKeys.SingleAsync(k => k.Id == keyId, cancellationToken);
        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await store.SaveChangesAsync(cancellationToken);
        verified.Clear();
        await audit.WriteAsync(actor, "source.key-revoked", "source", key.SourceKey, $"key {keyId}", cancellationToken);
    }

    public async Task<IReadOnlyList<SourceKeyInfo>> KeysAsync(string sourceKey, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await store.SourceApiKeys.AsNoTracking().Where(k => k.SourceKey == sourceKey).OrderByDescending(k => k.Id)
            .Select(k => new SourceKeyInfo(k.Id, k.Kind, k.Prefix, k.CreatedAt, k.RevokedAt, k.LastUsedAt)).ToListAsync(cancellationToken);
    }

    /// <summary>Every key of one kind (e.g. the activation tools' keys), newest first.</summary>
    public async Task<IReadOnlyList<(string Owner, SourceKeyInfo Key)>> KeysOfKindAsync(ApiKeyKind kind, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var keys = await store.SourceApiKeys.AsNoTracking().Where(k => k.Kind == kind).OrderByDescending(k => k.Id).ToListAsync(cancellationToken);
        return keys.Select(k => (k.SourceKey, new SourceKeyInfo(k.Id, k.Kind, k.Prefix, k.CreatedAt, k.RevokedAt, k.LastUsedAt))).ToList();
    }

    /// <summary>The source a presented secret belongs to, or null. Results are cached briefly: every API call checks.</summary>
    public async Task<string?> VerifyAsync(string? secret, ApiKeyKind kind, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 100) return null;
        var hash = Hash(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        var cacheKey = $"{kind}:{hash}";
        if (verified.TryGetValue(cacheKey, out var cached) && now - cached.CheckedAt < VerifiedCacheTime) return cached.SourceKey;

        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var prefix = PrefixOf(secret);
        var candidates = await store.SourceApiKeys.Where(k => k.Prefix == prefix && k.Kind == kind && k.RevokedAt == null).ToListAsync(cancellationToken);
        var match = candidates.FirstOrDefault(k => CryptographicOperations.FixedTimeEquals(Convert.FromHexString(k.SecretHash), Convert.FromHexString(hash)));
        if (match is not null)
        {
            match.LastUsedAt = now;
            await store.SaveChangesAsync(cancellationToken);
        }
        verified[cacheKey] = (match?.SourceKey, now);
        return match?.SourceKey;
    }

    private static string PrefixOf(string secret) => secret.Substring(SecretPrefix.Length, 8);
    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
}
