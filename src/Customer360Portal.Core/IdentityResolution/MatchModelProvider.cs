using System.Text.Json;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>
/// The active match model: trained by EM on the store's own person records once there are enough of them, kept as
/// a version in the store (so the portal and <c>c360</c> share it), and the bootstrap model before that.
/// </summary>
public sealed class MatchModelProvider(IDbContextFactory<ProfileStore> stores, TimeProvider clock)
{
    /// <summary>Below this many person records the bootstrap model is used: EM needs pairs to learn from.</summary>
    public const int MinimumTrainingRecords = 500;
    private const int MaxTrainingRecords = 300_000;

    private (int Version, MatchModel Model)? current;
    private DateTime checkedAt;

    public async Task<MatchModel> CurrentAsync(ProfileStore store, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (current is { } cached && now - checkedAt < TimeSpan.FromSeconds(10)) return cached.Model;
        checkedAt = now;
        var activeId = await store.MatchModels.Where(m => m.Active).Select(m => (int?)m.Id).FirstOrDefaultAsync(cancellationToken);
        if (activeId is null) return (current = (0, ModelTrainer.Bootstrap())).Value.Model;
        if (current is { } known && known.Version == activeId) return known.Model;
        var json = await store.MatchModels.Where(m => m.Id == activeId).Select(m => m.ModelJson).SingleAsync(cancellationToken);
        var model = JsonSerializer.Deserialize<MatchModel>(json)!;
        current = (activeId.Value, model);
        return model;
    }

    /// <summary>Drops the cached model, so the next batch reads the active version again.</summary>
    public void Forget() => current = null;

    /// <summary>Trains when there is no trained model yet, or the store has doubled since the last one.</summary>
    public async Task<bool> TrainIfDueAsync(CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var last = await store.MatchModels.Where(m => m.Active).Select(m => (int?)m.TrainedOnRecords).FirstOrDefaultAsync(cancellationToken);
        var profiles = await store.Customers.CountAsync(c => c.Status == CustomerStatus.Active && !c.Anonymous, cancellationToken);
        if (profiles < MinimumTrainingRecords || (last is { } trained && profiles < trained * 2)) return false;
        await TrainAsync(cancellationToken);
        return true;
    }

    /// <summary>Trains on (a sample of) the person-describing source records and makes the result active.</summary>
    public async Task<MatchModel> TrainAsync(CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var people = new List<PreparedPerson>();
        long after = 0;
        while (people.Count < MaxTrainingRecords)
        {
            var rows = await store.SourceRecords.AsNoTracking().Where(r => r.Id > after && r.Status != SourceRecordStatus.Erased)
                .OrderBy(r => r.Id).Take(5_000).Select(r => new { r.Id, r.SourceKey, r.NormalizedJson }).ToListAsync(cancellationToken);
            if (rows.Count == 0) break;
            after = rows[^1].Id;
            foreach (var row in rows)
            {
                var record = JsonSerializer.Deserialize(row.NormalizedJson, IntakeJson.Storage.NormalisedRecord)!;
                if (PersonRecords.DescribesPerson(record))
                    people.Add(PreparedPerson.From(PersonRecords.From(row.Id, row.SourceKey, record)));
            }
        }
        var model = ModelTrainer.Train(people, cancellationToken: cancellationToken);
        await store.MatchModels.Where(m => m.Active).ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), cancellationToken);
        store.MatchModels.Add(new MatchModelVersion
        {
            TrainedAt = clock.GetUtcNow().UtcDateTime, TrainedOnRecords = people.Count, Active = true,
            ModelJson = JsonSerializer.Serialize(model),
        });
        await store.SaveChangesAsync(cancellationToken);
        current = null;
        return model;
    }
}
