using System.Linq.Expressions;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Quality;

/// <summary>Which profiles to list: those missing <see cref="Field"/> (a key field) or, with <see cref="StaleFilter"/>, stale ones. Page is 0-based.</summary>
public sealed record IncompleteFilter(string Field, int Page = 0, int PageSize = 25)
{
    public const string StaleFilter = "Stale";
}

/// <summary>One profile in the list, with its personal values already masked for the viewer.</summary>
public sealed record IncompleteProfile(long Id, string Name, string? Email, string? Phone, string? Country, DateTime? LastActivityAt,
    IReadOnlyList<string> Missing, bool HasOpenTask);

/// <summary>A page of the list; <see cref="Total"/> stops counting at <see cref="IncompleteProfiles.CountLimit"/> (then <see cref="MoreThanTotal"/>).</summary>
public sealed record IncompleteListing(IReadOnlyList<IncompleteProfile> Items, long Total, bool MoreThanTotal = false);

/// <summary>
/// The incomplete-data work list: active, identified profiles missing a key field (or stale), newest activity first,
/// paged, with values masked for the viewer's roles and a flag when an enrichment task for it is already open.
/// </summary>
public sealed class IncompleteProfiles(IDbContextFactory<ProfileStore> stores, IOptions<QualityOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Counting stops here: at a million profiles an exact count of "no phone" reads the whole table on every page turn,
    /// and nobody works through more than this by hand (the snapshot has the exact figure).
    /// </summary>
    public const int CountLimit = 10_000;

    /// <summary>The filters the list offers: every key field, then stale profiles.</summary>
    public static IReadOnlyList<string> Filters { get; } = [.. FieldChecks.KeyFields, IncompleteFilter.StaleFilter];

    public async Task<IncompleteListing> ListAsync(IncompleteFilter filter, ProfileMasking masking, CancellationToken cancellationToken = default) =>
        await ListAsync(filter, masking, CountLimit, cancellationToken);

    internal async Task<IncompleteListing> ListAsync(IncompleteFilter filter, ProfileMasking masking, int countLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var query = Matching(store, filter.Field);
        var total = await query.Select(c => c.Id).Take(countLimit + 1).LongCountAsync(cancellationToken);
        var pageSize = Math.Clamp(filter.PageSize, 1, 200);
        var rows = await query.OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Id)
            .Skip(Math.Max(0, filter.Page) * pageSize).Take(pageSize)
            .Select(c => new { c.Id, c.GivenName, c.FamilyName, c.Email, c.Phone, c.DateOfBirth, c.AddressLine, c.City, c.Postcode, c.Country, c.LastActivityAt })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var prefix = EnrichmentTasks.TextFor(filter.Field);
        var withTask = (await store.Notes.AsNoTracking()
            .Where(n => ids.Contains(n.CustomerId) && n.FollowUpDueAt != null && n.CompletedAt == null && n.Text.StartsWith(prefix))
            .Select(n => n.CustomerId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        return new IncompleteListing(rows.Select(r =>
        {
            var values = new Dictionary<string, object?>
            {
                [nameof(Customer.GivenName)] = r.GivenName, [nameof(Customer.FamilyName)] = r.FamilyName, [nameof(Customer.Email)] = r.Email,
                [nameof(Customer.Phone)] = r.Phone, [nameof(Customer.DateOfBirth)] = r.DateOfBirth, [nameof(Customer.AddressLine)] = r.AddressLine,
                [nameof(Customer.Postcode)] = r.Postcode, [nameof(Customer.Country)] = r.Country,
            };
            var missing = FieldChecks.KeyFields.Where(f => values[f] is null or "").ToList();
            var name = $"{r.GivenName} {r.FamilyName}".Trim();
            return new IncompleteProfile(r.Id, name.Length > 0 ? name : $"Profile {r.Id}", masking.Email(r.Email), masking.Phone(r.Phone), r.Country,
                r.LastActivityAt, missing, withTask.Contains(r.Id));
        }).ToList(), Math.Min(total, countLimit), total > countLimit);
    }

    /// <summary>Ids of matching profiles, newest activity first, at most <paramref name="max"/> (for "create tasks for all").</summary>
    public async Task<IReadOnlyList<long>> IdsAsync(string field, int max, CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        return await Matching(store, field).OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Id).Take(max).Select(c => c.Id).ToListAsync(cancellationToken);
    }

    private IQueryable<Customer> Matching(ProfileStore store, string field)
    {
        var identified = store.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active && !c.Anonymous);
        if (field == IncompleteFilter.StaleFilter)
        {
            var before = clock.GetUtcNow().UtcDateTime - options.Value.StaleAfter;
            return identified.Where(c => (c.LastActivityAt ?? c.CreatedAt) < before);
        }
        return identified.Where(Missing(field));
    }

    /// <summary>"The field is empty", as SQL both providers run.</summary>
    public static Expression<Func<Customer, bool>> Missing(string field) => field switch
    {
        nameof(Customer.GivenName) => c => c.GivenName == null || c.GivenName == "",
        nameof(Customer.FamilyName) => c => c.FamilyName == null || c.FamilyName == "",
        nameof(Customer.Email) => c => c.Email == null || c.Email == "",
        nameof(Customer.Phone) => c => c.Phone == null || c.Phone == "",
        nameof(Customer.DateOfBirth) => c => c.DateOfBirth == null,
        nameof(Customer.AddressLine) => c => c.AddressLine == null || c.AddressLine == "",
        nameof(Customer.City) => c => c.City == null || c.City == "",
        nameof(Customer.Postcode) => c => c.Postcode == null || c.Postcode == "",
        nameof(Customer.Country) => c => c.Country == null || c.Country == "",
        _ => throw new ArgumentException($"{field} is not a field the quality centre lists.", nameof(field)),
    };
}
