using System.Globalization;
using CsvHelper;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Consent;

/// <summary>What an export wrote and whom it left out, by reason (counts only: never who).</summary>
public sealed record ExportResult(ConsentPurpose Purpose, int Exported, IReadOnlyDictionary<string, int> SkippedByReason)
{
    public int SkippedCount => SkippedByReason.Values.Sum();
}

/// <summary>
/// The customer export every list leaving the portal goes through (today a CSV for a purpose; later segment exports
/// and activation): <see cref="ConsentCheck"/> decides who may leave, only the contact fields the purpose needs are
/// written, and the export is audited with its counts.
/// </summary>
public sealed class ConsentedExport(IDbContextFactory<ProfileStore> stores, ConsentCheck consent, AuditLog audit)
{
    public const string AuditAction = "customers.exported";
    public const string NoContactDetails = "no contact details for the channel";

    /// <summary>The columns written for a purpose: the profile id and name, and the channel's contact fields only.</summary>
    public static IReadOnlyList<string> ColumnsFor(ConsentPurpose purpose) => purpose switch
    {
        ConsentPurpose.EmailMarketing => ["customer_id", "given_name", "family_name", "email"],
        ConsentPurpose.SmsMarketing or ConsentPurpose.PhoneMarketing => ["customer_id", "given_name", "family_name", "phone"],
        ConsentPurpose.PostMarketing => ["customer_id", "given_name", "family_name", "address_line", "city", "postcode", "country"],
        _ => ["customer_id", "given_name", "family_name", "email", "phone", "address_line", "city", "postcode", "country"],
    };

    /// <summary>Whether a person has the contact details a purpose's channel needs (segment sizes per channel use the same rule).</summary>
    public static bool Reachable(ConsentPurpose purpose, string? email, string? phone, string? addressLine, string? postcode) => purpose switch
    {
        ConsentPurpose.EmailMarketing => email is not null,
        ConsentPurpose.SmsMarketing or ConsentPurpose.PhoneMarketing => phone is not null,
        ConsentPurpose.PostMarketing => addressLine is not null && postcode is not null,
        _ => true,
    };

    /// <summary>Writes the allowed people among <paramref name="customerIds"/> as CSV to <paramref name="output"/>.</summary>
    public async Task<ExportResult> WriteCsvAsync(IReadOnlyCollection<long> customerIds, ConsentPurpose purpose, Stream output, AuditActor actor,
        CancellationToken cancellationToken = default)
    {
        var (rows, skipped) = await RowsAsync(customerIds, purpose, cancellationToken);
        var columns = ColumnsFor(purpose);
        await using (var writer = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true))
        {
            writer.WriteHeader(columns.ToArray());
            foreach (var row in rows) writer.WriteRecord(columns.Select(c => c == "phone" ? row[c] ?? "" : Defused(row[c])).ToArray());
            await writer.FlushAsync(cancellationToken);
        }
        var result = new ExportResult(purpose, rows.Count, skipped);
        await audit.WriteAsync(actor, AuditAction, "customers", null, Describe(result), cancellationToken);
        return result;
    }

    /// <summary>The rows that may leave for the purpose (column → value), and the skipped counts by reason.</summary>
    public async Task<(IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows, IReadOnlyDictionary<string, int> SkippedByReason)> RowsAsync(
        IReadOnlyCollection<long> customerIds, ConsentPurpose purpose, CancellationToken cancellationToken = default)
    {
        var decision = await consent.FilterAsync(customerIds, purpose, cancellationToken);
        var skipped = new Dictionary<string, int>(decision.SkippedByReason);
        var rows = new List<IReadOnlyDictionary<string, string?>>(decision.Allowed.Count);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in decision.Allowed.Chunk(1000))
        {
            var customers = await store.Customers.AsNoTracking().Where(c => chunk.Contains(c.Id)).OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.GivenName, c.FamilyName, c.Email, c.Phone, c.AddressLine, c.City, c.Postcode, c.Country })
                .ToListAsync(cancellationToken);
            foreach (var c in customers)
            {
                if (!Reachable(purpose, c.Email, c.Phone, c.AddressLine, c.Postcode))
                {
                    skipped[NoContactDetails] = skipped.GetValueOrDefault(NoContactDetails) + 1;
                    continue;
                }
                rows.Add(new Dictionary<string, string?>
                {
                    ["customer_id"] = c.Id.ToString(CultureInfo.InvariantCulture), ["given_name"] = c.GivenName, ["family_name"] = c.FamilyName,
                    ["email"] = c.Email, ["phone"] = c.Phone, ["address_line"] = c.AddressLine, ["city"] = c.City, ["postcode"] = c.Postcode,
                    ["country"] = c.Country,
                });
            }
        }
        return (rows, skipped);
    }

    /// <summary>
    /// Text a spreadsheet would run as a formula (CSV injection) gets a leading apostrophe. Phones are exempt: they are
    /// validated E.164 ("+" and digits), which a spreadsheet reads as a number, and the tools that import them need the "+".
    /// </summary>
    private static string Defused(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "";

    /// <summary>"EmailMarketing: 12 exported, 3 skipped (consent withdrawn: 2, no consent on record: 1)".</summary>
    public static string Describe(ExportResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"{result.Purpose}: {result.Exported} exported, {result.SkippedCount} skipped")
        + (result.SkippedCount == 0 ? "" : " (" + string.Join(", ", result.SkippedByReason.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key}: {r.Value}"))) + ")");
}

/// <summary>The channels an offer can go out through, each needing its marketing consent.</summary>
public enum OfferChannel { Email, Sms, Phone, Post, OnSite }

public sealed record OfferDecision(long CustomerId, string OfferKey, OfferChannel Channel, bool Allowed, string Reason);

/// <summary>
/// May this person receive offer X through channel Y? Marketing channels need that channel's consent; an offer shown
/// on the site or in the agent's screen is personalisation. Next best offer, campaigns and agents call this before
/// anything is sent; <see cref="FilterAsync"/> says how many were left out and why.
/// </summary>
public sealed class OfferGate(ConsentCheck consent)
{
    public static ConsentPurpose PurposeOf(OfferChannel channel) => channel switch
    {
        OfferChannel.Email => ConsentPurpose.EmailMarketing,
        OfferChannel.Sms => ConsentPurpose.SmsMarketing,
        OfferChannel.Phone => ConsentPurpose.PhoneMarketing,
        OfferChannel.Post => ConsentPurpose.PostMarketing,
        _ => ConsentPurpose.Personalisation,
    };

    public async Task<OfferDecision> MayReceiveAsync(long customerId, string offerKey, OfferChannel channel, CancellationToken cancellationToken = default)
    {
        var decision = await consent.CheckAsync(customerId, PurposeOf(channel), cancellationToken);
        return new OfferDecision(customerId, offerKey, channel, decision.Allowed, decision.Reason);
    }

    public Task<ConsentFilterResult> FilterAsync(IReadOnlyCollection<long> customerIds, OfferChannel channel, CancellationToken cancellationToken = default) =>
        consent.FilterAsync(customerIds, PurposeOf(channel), cancellationToken);
}
