using Customer360Portal.Core.Consent;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Insights;

// The figures behind each chart of the insights dashboard. All aggregates: counts and sums, never a person.

/// <summary>Active profiles in one lifecycle stage now.</summary>
public sealed record StageCount(LifecycleStage Stage, int Customers);

/// <summary>Profiles that moved from one stage to another on one day (UTC).</summary>
public sealed record StageMove(DateOnly Day, LifecycleStage From, LifecycleStage To, int Customers);

/// <summary>Orders placed on one day (UTC) through one channel in one currency, and their total.</summary>
public sealed record ChannelDay(DateOnly Day, InteractionChannel Channel, string Currency, int Orders, long RevenueMinor);

/// <summary>
/// Scored customers in one churn-risk band: their lifetime value, their yearly spend (lifetime value over their tenure, at
/// least a year) and the revenue at risk (each one's yearly spend weighted by their churn probability).
/// </summary>
public sealed record ChurnBand(string Band, int Customers, long LifetimeValueMinor, long YearlySpendMinor, long RevenueAtRiskMinor);

/// <summary>
/// Churn risk over the active scored customers. Money is in <see cref="Currency"/> (the most common one); customers who buy
/// in another currency are counted in <see cref="OtherCurrencyCustomers"/> but not in the sums (the portal has no rates).
/// </summary>
public sealed record ChurnFigures(string? Currency, IReadOnlyList<ChurnBand> Bands, int OtherCurrencyCustomers, string? ModelVersion)
{
    public static readonly string[] BandOrder = ["low", "medium", "high"];
}

/// <summary>Current consent per purpose over the active, known profiles.</summary>
public sealed record ConsentFigures(int Profiles, IReadOnlyList<ConsentRate> Purposes);

/// <summary>What one data source brought: profiles it contributed to and identifiers it was the first to show (snapshot).</summary>
public sealed record SourceProfiles(string Key, long Profiles, long Identifiers);

/// <summary>
/// One data source on the dashboard: its counters (live from the sync state) and the profiles and identifiers it
/// contributed (from the daily snapshot, null before the first one).
/// </summary>
public sealed record SourceContribution(string Key, string Name, long Received, long Stored, long Duplicates, long Quarantined, long? Profiles, long? Identifiers);

/// <summary>
/// How customers first bought: the channels of their last touchpoints before the first order (repeats collapsed) and the
/// channel of that order, counted per day of the first order.
/// </summary>
public sealed record JourneyDay(DateOnly Day, string Path, InteractionChannel OrderChannel, int Customers);

/// <summary>A journey path and how many customers took it in the chosen period.</summary>
public sealed record JourneyPath(string Path, InteractionChannel OrderChannel, int Customers);

// ---------------------------------------------------------------- what the snapshot rows hold (JSON)

public sealed record StagesPayload(IReadOnlyList<StageCount> Counts);

/// <param name="TrackingSince">
/// When the job started comparing stages. Moves of a profile before the job first saw it come from replaying its interactions.
/// </param>
public sealed record StageFlowPayload(IReadOnlyList<StageMove> Moves, DateTime TrackingSince);

/// <param name="LastInteractionId">The newest interaction counted: the next pass adds only newer orders.</param>
public sealed record RevenuePayload(IReadOnlyList<ChannelDay> Days, long LastInteractionId);

public sealed record SourcesPayload(IReadOnlyList<SourceProfiles> Sources);

/// <param name="LastInteractionId">The newest order looked at: the next pass adds only customers whose first order is newer.</param>
public sealed record JourneysPayload(IReadOnlyList<JourneyDay> Days, long LastInteractionId);

/// <summary>The snapshot kinds (one row each in InsightsSnapshots).</summary>
public static class SnapshotKinds
{
    public const string Stages = "stages";
    public const string StageFlow = "stage-flow";
    public const string Revenue = "revenue";
    public const string Churn = "churn";
    public const string Consent = "consent";
    public const string Sources = "sources";
    public const string Journeys = "journeys";
}
