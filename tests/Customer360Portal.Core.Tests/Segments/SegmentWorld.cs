using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Core.Tests.Segments;

/// <summary>
/// A small known population on a real SQLite store, each person named after what makes them match or not, so a rule's
/// members read as names. <see cref="CoreHost.Now"/> is 2026-11-29 12:00 UTC.
/// </summary>
internal sealed class SegmentWorld
{
    public static readonly DateTime Now = CoreHost.Now.UtcDateTime;
    public TestProfileStore Test { get; }
    public Dictionary<string, long> Ids { get; } = [];

    private SegmentWorld(TestProfileStore test) => Test = test;

    public static async Task<SegmentWorld> CreateAsync(Action<SegmentOptions>? options = null)
    {
        var test = await CoreHost.CreateAsync(b =>
        {
            b.AddSegments(runInBackground: false);
            if (options is not null) b.Services.Configure(options);
        });
        return new SegmentWorld(test);
    }

    public async Task<long> AddAsync(string name, Action<Customer>? shape = null, CustomerStatus status = CustomerStatus.Active)
    {
        await using var store = await Test.Stores.CreateDbContextAsync();
        var customer = new Customer
        {
            GivenName = name, FamilyName = "Test", Email = $"{name.ToLowerInvariant()}@example.com", Status = status,
            LifecycleStage = LifecycleStage.Retention, CreatedAt = Now.AddDays(-400), UpdatedAt = Now.AddDays(-1), Currency = "EUR",
        };
        shape?.Invoke(customer);
        store.Customers.Add(customer);
        await store.SaveChangesAsync();
        Ids[name] = customer.Id;
        return customer.Id;
    }

    public async Task AddInteractionAsync(string name, string type, int daysAgo, string? category = null, InteractionChannel channel = InteractionChannel.Web)
    {
        await using var store = await Test.Stores.CreateDbContextAsync();
        store.Interactions.Add(new Interaction
        {
            CustomerId = Ids[name], SourceKey = "test", Type = type, Channel = channel, OccurredAt = Now.AddDays(-daysAgo), Summary = type, Category = category,
        });
        await store.SaveChangesAsync();
    }

    public async Task AddTraitAsync(string name, string key, string value)
    {
        await using var store = await Test.Stores.CreateDbContextAsync();
        store.Traits.Add(new CustomerTrait { CustomerId = Ids[name], Key = key, Value = value, SourceKey = "crm", UpdatedAt = Now });
        await store.SaveChangesAsync();
    }

    public async Task AddScoreAsync(string name, ScoreKind kind, double value, string label)
    {
        await using var store = await Test.Stores.CreateDbContextAsync();
        store.Scores.Add(new CustomerScore { CustomerId = Ids[name], Kind = kind, Value = value, Label = label, ModelVersion = "t", ScoredAt = Now });
        await store.SaveChangesAsync();
    }

    public async Task AddConsentAsync(string name, ConsentPurpose purpose, ConsentStatus status, DateTime? expiresAt = null)
    {
        await using var store = await Test.Stores.CreateDbContextAsync();
        store.ConsentStates.Add(new ConsentState
        {
            CustomerId = Ids[name], Purpose = purpose, Status = status, LawfulBasis = LawfulBasis.Consent, UpdatedAt = Now.AddDays(-5), ExpiresAt = expiresAt,
        });
        await store.SaveChangesAsync();
    }

    public async Task AddSourceRecordAsync(string name, string source)
    {
        await using var store = await Test.Stores.CreateDbContextAsync();
        store.SourceRecords.Add(new SourceRecord
        {
            SourceKey = source, ExternalId = $"{source}-{name}", Kind = "contact", PayloadJson = "{}", NormalizedJson = "{}", OccurredAt = Now,
            PayloadHash = Guid.NewGuid().ToString("N"), VersionKey = Guid.NewGuid().ToString("N")[..16], ReceivedAt = Now,
            Status = SourceRecordStatus.Resolved, CustomerId = Ids[name],
        });
        await store.SaveChangesAsync();
    }

    /// <summary>The given names of the members of a rule tree, sorted.</summary>
    public async Task<List<string>> MembersAsync(string json)
    {
        var rule = SegmentRuleJson.Parse(json);
        Assert.Empty(SegmentValidation.Validate(rule));
        await using var store = await Test.Stores.CreateDbContextAsync();
        var ids = SegmentCompiler.Query(store, rule, Now).Select(c => c.GivenName!);
        return [.. (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(ids)).Order(StringComparer.Ordinal)];
    }
}
