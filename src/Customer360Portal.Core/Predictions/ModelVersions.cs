using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Predictions;

/// <summary>
/// The versions of one kind of model (churn, next best offer): numbered <c>prefix-N</c>, one active at a time, older
/// ones kept for rollback.
/// </summary>
internal static class ModelVersions
{
    /// <summary>Stores a trained model as its kind's new active version, named one above the highest so far, in one transaction.</summary>
    public static async Task AddActiveAsync(IDbContextFactory<ProfileStore> stores, PredictionModel model, string prefix, CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        var versions = await store.PredictionModels.Where(m => m.Kind == model.Kind).Select(m => m.Version).ToListAsync(cancellationToken);
        model.Version = $"{prefix}-{versions.Select(v => Number(v, prefix)).DefaultIfEmpty(0).Max() + 1}";
        await store.PredictionModels.Where(m => m.Kind == model.Kind && m.Active).ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), cancellationToken);
        store.PredictionModels.Add(model);
        await store.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Makes a stored version of the kind the active one (a rollback is an older one); its name and the one it replaced,
    /// or null when the kind has no such version.
    /// </summary>
    public static async Task<(string Version, string? Replaced)?> ActivateAsync(IDbContextFactory<ProfileStore> stores, ScoreKind kind, long modelId,
        CancellationToken cancellationToken)
    {
        await using var store = await stores.CreateDbContextAsync(cancellationToken);
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        var version = await store.PredictionModels.Where(m => m.Id == modelId && m.Kind == kind).Select(m => m.Version).FirstOrDefaultAsync(cancellationToken);
        if (version is null) return null;
        var replaced = await store.PredictionModels.Where(m => m.Kind == kind && m.Active).Select(m => m.Version).FirstOrDefaultAsync(cancellationToken);
        await store.PredictionModels.Where(m => m.Kind == kind && m.Active && m.Id != modelId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), cancellationToken);
        await store.PredictionModels.Where(m => m.Id == modelId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, true), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (version, replaced);
    }

    private static int Number(string version, string prefix) =>
        version.StartsWith(prefix + "-", StringComparison.Ordinal) && int.TryParse(version.AsSpan(prefix.Length + 1), out var n) ? n : 0;
}
