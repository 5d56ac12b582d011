using System.Text.Json;
using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>One field level of the active model as admins read it: how often it happens for one person and for two.</summary>
public sealed record ModelLevel(string Field, string Level, double M, double U, double Weight);

public sealed record ResolutionStatistics(int ActiveProfiles, int AnonymousProfiles, int RedirectedProfiles, int Merges, int Unmerges,
    int OpenReviews, int RejectedPairs, DateTime? ModelTrainedAt, int ModelTrainedOnRecords, double? PriorMatchProbability,
    IReadOnlyList<ModelLevel> Model, IReadOnlyDictionary<string, string> Survivorship, double MergeProbability, double ReviewProbability);

/// <summary>What the admin page shows about identity resolution: counts, the active model's parameters, the rules.</summary>
public sealed class ResolutionOverview(IDbContextFactory<ProfileStore> stores, IOptions<ResolutionOptions> options)
{
    public async Task<ResolutionStatistics> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        var active = await store.Customers.CountAsync(c => c.Status == CustomerStatus.Active, cancellationToken);
        var anonymous = await store.Customers.CountAsync(c => c.Status == CustomerStatus.Active && c.Anonymous, cancellationToken);
        var redirected = await store.Customers.CountAsync(c => c.Status == CustomerStatus.Merged, cancellationToken);
        var merges = await store.Merges.CountAsync(m => m.UndoneAt == null, cancellationToken);
        var unmerges = await store.Merges.CountAsync(m => m.UndoneAt != null, cancellationToken);
        var open = await store.MatchReviews.CountAsync(r => r.Status == ReviewStatus.Open, cancellationToken);
        var rejected = await store.MatchReviews.CountAsync(r => r.Status == ReviewStatus.Rejected, cancellationToken);
        var version = await store.MatchModels.AsNoTracking().Where(m => m.Active).FirstOrDefaultAsync(cancellationToken);
        var model = version is null ? null : JsonSerializer.Deserialize<MatchModel>(version.ModelJson);
        var levels = new List<ModelLevel>();
        if (model is not null)
            for (var f = 0; f < Comparisons.FieldCount; f++)
                for (var l = 0; l < model.M[f].Length; l++)
                    levels.Add(new ModelLevel(((Field)f).ToString(), Comparisons.Levels[f][l], model.M[f][l], model.U[f][l], Math.Log2(model.M[f][l] / model.U[f][l])));
        var settings = options.Value;
        return new ResolutionStatistics(active, anonymous, redirected, merges, unmerges, open, rejected, version?.TrainedAt,
            version?.TrainedOnRecords ?? 0, model?.PriorMatchProbability, levels,
            Profiles.GoldenRecord.Fields.ToDictionary(f => f, f => Profiles.GoldenRecord.RuleName(settings.RuleFor(f))),
            settings.MergeProbability, settings.ReviewProbability);
    }
}
