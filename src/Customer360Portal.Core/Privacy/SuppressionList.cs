using System.Security.Cryptography;
using System.Text;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Privacy;

public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// File holding the secret key of the suppression list's keyed hashes (created on first use). It must live outside
    /// the database and its backups: whoever has both could test guessed emails against the list. Defaults to
    /// <c>suppression.key</c> in the profile store's data folder; production sets it to a mounted secret.
    /// </summary>
    public string? SuppressionKeyFile { get; set; }
}

/// <summary>
/// Keyed hashes (HMAC-SHA256) of erased people's identifiers, so the next sync does not bring them back: intake
/// counts a record that carries one as suppressed and stores nothing of it. The list holds no identifier in clear,
/// and without the key nobody can test a guessed email against it.
/// </summary>
public sealed class SuppressionList(IOptions<PrivacyOptions> privacy,
    IOptions<ProfileStoreOptions> storeOptions, IHostEnvironment environment)
{
    /// <summary>Identifier types that name a person; cookies and devices are kept out (shared computers).</summary>
    public static readonly IdentifierType[] SuppressedTypes = [IdentifierType.Email, IdentifierType.Phone, IdentifierType.AccountId, IdentifierType.LoyaltyNumber];

    private readonly Lazy<byte[]> key = new(() => LoadOrCreateKey(KeyPath(privacy.Value, storeOptions.Value, environment)));
    private readonly SemaphoreSlim refresh = new(1, 1);
    private (int Count, long MaxId) loadedVersion = (-1, -1);
    private HashSet<string> loaded = [];

    public string KeyFile => KeyPath(privacy.Value, storeOptions.Value, environment);

    /// <summary>The hash stored for an identifier: hex HMAC-SHA256 over "Type:value" (emails compared case-insensitively).</summary>
    public string Hash(IdentifierType type, string value)
    {
        var canonical = type == IdentifierType.Email ? value.Trim().ToLowerInvariant() : value.Trim();
        return Convert.ToHexStringLower(HMACSHA256.HashData(key.Value, Encoding.UTF8.GetBytes($"{type}:{canonical}")));
    }

    /// <summary>The hashes a normalised record would be suppressed by.</summary>
    public IReadOnlyList<string> HashesOf(NormalisedRecord record)
    {
        List<string>? hashes = null;
        foreach (var (type, value) in ProfileDerivation.IdentifiersOf(record))
            if (SuppressedTypes.Contains(type)) (hashes ??= []).Add(Hash(type, value));
        return hashes ?? (IReadOnlyList<string>)[];
    }

    /// <summary>
    /// The current list, cached and reloaded only when it changed (count and newest id), so intake's check costs one
    /// tiny query per batch and nothing per record when the list is empty.
    /// </summary>
    public async Task<IReadOnlySet<string>> CurrentAsync(ProfileStore store, CancellationToken cancellationToken = default)
    {
        var current = (await store.Suppressions.CountAsync(cancellationToken), await store.Suppressions.MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0);
        if (current == loadedVersion) return loaded;
        await refresh.WaitAsync(cancellationToken);
        try
        {
            if (current != loadedVersion)
            {
                loaded = current.Item1 == 0 ? [] : (await store.Suppressions.AsNoTracking().Select(s => s.KeyedHash).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
                loadedVersion = current;
            }
            return loaded;
        }
        finally
        {
            refresh.Release();
        }
    }

    internal static string KeyPath(PrivacyOptions privacy, ProfileStoreOptions store, IHostEnvironment environment) =>
        Path.GetFullPath(privacy.SuppressionKeyFile ?? Path.Combine(store.DataFolder, "suppression.key"), environment.ContentRootPath);

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path)) return Convert.FromHexString(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var created = RandomNumberGenerator.GetBytes(32);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var file = new FileStream(path, options);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToHexString(created)));
            return created;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Convert.FromHexString(File.ReadAllText(path).Trim()); // another process created it first
        }
    }
}
