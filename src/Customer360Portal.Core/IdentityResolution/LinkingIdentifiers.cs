using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// The identifiers of a record that may link it to a profile: strongest first (<c>Resolution:IdentifierPriority</c>),
/// junk values left out. Incremental and full resolution both link through this one list.
/// </summary>
public sealed class LinkingIdentifiers(ResolutionOptions options)
{
    private readonly JunkIdentifiers junk = new(options.Blocklist);

    public List<IdentityKey> Of(NormalisedRecord record)
    {
        var carried = ProfileDerivation.IdentifiersOf(record).ToList();
        var keys = new List<IdentityKey>(carried.Count);
        foreach (var type in options.IdentifierPriority)
            foreach (var (kind, value) in carried)
                if (kind == type && !junk.IsJunk(kind, value)) keys.Add(new IdentityKey(kind, value));
        return keys;
    }

    /// <summary>Identifiers households and shared computers have in common: they link, but never across two people.</summary>
    public static bool IsShared(IdentifierType type) =>
        type is IdentifierType.Email or IdentifierType.Phone or IdentifierType.CookieId or IdentifierType.DeviceId;
}
