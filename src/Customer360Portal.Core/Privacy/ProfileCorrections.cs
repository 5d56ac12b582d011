using System.Globalization;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Privacy;

/// <summary>
/// What people change on a profile by hand, with a reason: rectification of a golden-record value (GDPR art. 16; agents
/// fixing a bad value too) and restriction of processing (art. 18). Each change is audited and announced to open pages.
/// Messages name fields, never values.
/// </summary>
public sealed class ProfileCorrections(IDbContextFactory<ProfileStore> stores, TimeProvider clock, ProfileChangeNotifier notifier)
{
    /// <summary>Sets a golden-record field (empty clears it), normalised like intake does; survivorship keeps it from then on.</summary>
    public async Task RectifyAsync(long customerId, string field, string? value, string reason, AuditActor actor, long? requestId = null,
        CancellationToken cancellationToken = default)
    {
        if (!GoldenRecord.Fields.Contains(field)) throw new ArgumentException($"{field} is not a field of the golden record.", nameof(field));
        if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("Give the reason for the correction.", nameof(reason));
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var customer = await store.Customers.SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken)
            ?? throw new InvalidOperationException($"There is no profile {customerId}.");
        if (customer.Status is CustomerStatus.Merged or CustomerStatus.Erased)
            throw new InvalidOperationException($"Profile {customerId} is {customer.Status.ToString().ToLowerInvariant()}: correct the profile it became part of.");
        var normalised = Normalise(field, value, customer.Country);
        var now = clock.GetUtcNow().UtcDateTime;
        GoldenRecord.Rectify(customer, field, normalised, $"rectified by {actor.Name}", now, reason.Trim());
        customer.UpdatedAt = now;
        customer.Version++;
        store.AuditLog.Add(Audit(actor, "profile.rectified", customerId, $"{field}{(requestId is { } r ? $" (request {r})" : "")}: {reason.Trim()}", now));
        if (requestId is { } request)
            store.PrivacyRequestEvents.Add(new PrivacyRequestEvent { RequestId = request, At = now, UserId = actor.UserId, Action = "rectified", Note = field });
        await store.SaveChangesAsync(cancellationToken);
        notifier.PublishProfiles([customerId]);
    }

    /// <summary>Freezes the profile: no marketing or sharing (the consent check refuses it), no scoring, privacy officers only.</summary>
    public Task RestrictAsync(long customerId, string reason, AuditActor actor, long? requestId = null, CancellationToken cancellationToken = default) =>
        SetRestrictedAsync(customerId, restricted: true, reason, actor, requestId, cancellationToken);

    public Task LiftRestrictionAsync(long customerId, string reason, AuditActor actor, long? requestId = null, CancellationToken cancellationToken = default) =>
        SetRestrictedAsync(customerId, restricted: false, reason, actor, requestId, cancellationToken);

    private async Task SetRestrictedAsync(long customerId, bool restricted, string reason, AuditActor actor, long? requestId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("Give the reason.", nameof(reason));
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var customer = await store.Customers.SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken)
            ?? throw new InvalidOperationException($"There is no profile {customerId}.");
        var expected = restricted ? CustomerStatus.Active : CustomerStatus.Restricted;
        if (customer.Status != expected)
            throw new InvalidOperationException($"Profile {customerId} is {customer.Status.ToString().ToLowerInvariant()}, not {expected.ToString().ToLowerInvariant()}.");
        var now = clock.GetUtcNow().UtcDateTime;
        customer.Status = restricted ? CustomerStatus.Restricted : CustomerStatus.Active;
        customer.UpdatedAt = now;
        customer.Version++;
        var action = restricted ? "profile.restricted" : "profile.restriction-lifted";
        store.AuditLog.Add(Audit(actor, action, customerId, $"{(requestId is { } r ? $"request {r}: " : "")}{reason.Trim()}", now));
        if (requestId is { } request)
            store.PrivacyRequestEvents.Add(new PrivacyRequestEvent { RequestId = request, At = now, UserId = actor.UserId, Action = restricted ? "restricted" : "restriction-lifted" });
        await store.SaveChangesAsync(cancellationToken);
        notifier.PublishProfiles([customerId]);
    }

    internal static string? Normalise(string field, string? value, string? country)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        switch (field)
        {
            case nameof(Customer.Email):
                return EmailAddresses.TryNormalise(text, out var email) ? email : throw new ArgumentException("That is not a valid email address.", nameof(value));
            case nameof(Customer.Phone):
                return Phones.TryNormalise(text, country ?? "GB", acceptFictional: true, out var phone) ? phone
                    : throw new ArgumentException("That is not a valid phone number (give it with its country code when in doubt).", nameof(value));
            case nameof(Customer.DateOfBirth):
                return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= 1900
                    ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : throw new ArgumentException("Give the date of birth as yyyy-mm-dd.", nameof(value));
            case nameof(Customer.Country):
                return Countries.TryNormalise(text, out var code) ? code : throw new ArgumentException("That is not a country code or name the portal knows.", nameof(value));
            default:
                return text.Length <= 200 ? text : throw new ArgumentException("At most 200 characters.", nameof(value));
        }
    }

    private static AuditEntry Audit(AuditActor actor, string action, long customerId, string details, DateTime at) => new()
    {
        At = at, UserId = actor.UserId, UserName = actor.Name, Action = action, TargetType = "customer",
        TargetId = customerId.ToString(CultureInfo.InvariantCulture), Details = details.Length <= 2000 ? details : details[..2000],
    };
}
