using Customer360Portal.Core.IdentityResolution.Matching;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.IdentityResolution;

/// <summary>How the portal resolves records to profiles (configuration section "Resolution").</summary>
public sealed class ResolutionOptions
{
    public const string Section = "Resolution";

    /// <summary>Identifiers that link deterministically, strongest first: the owner of the first one found wins.</summary>
    public List<IdentifierType> IdentifierPriority { get; set; } =
        [IdentifierType.AccountId, IdentifierType.LoyaltyNumber, IdentifierType.Email, IdentifierType.Phone, IdentifierType.DeviceId, IdentifierType.CookieId];

    /// <summary>
    /// Most values of a type one profile may hold. A record or merge that would exceed a limit starts a review instead
    /// (two account ids on one person means two people, or a shared login).
    /// </summary>
    public Dictionary<IdentifierType, int> Limits { get; set; } = new()
    {
        [IdentifierType.AccountId] = 1,
        [IdentifierType.LoyaltyNumber] = 2,
        [IdentifierType.Email] = 5,
        [IdentifierType.Phone] = 5,
    };

    /// <summary>Extra junk values never used to link (added to the built-in list: test@test.com, 0000000000...).</summary>
    public List<string> Blocklist { get; set; } = [];

    public double MergeProbability { get; set; } = 0.95;
    public double ReviewProbability { get; set; } = 0.5;
    public int MaxClusterSize { get; set; } = 50;
    /// <summary>Candidate profiles compared per record at most (the best-keyed first).</summary>
    public int MaxCandidates { get; set; } = 50;

    /// <summary>Survivorship rule per golden-record field (field name → rule); unnamed fields use <see cref="DefaultSurvivorship"/>.</summary>
    public Dictionary<string, SurvivorshipRule> Survivorship { get; set; } = new();
    public SurvivorshipRule DefaultSurvivorship { get; set; } = SurvivorshipRule.MostRecent;

    public MatchThresholds Thresholds => new()
    {
        MergeProbability = MergeProbability, ReviewProbability = ReviewProbability, MaxClusterSize = MaxClusterSize,
    };

    public SurvivorshipRule RuleFor(string field) => Survivorship.GetValueOrDefault(field, DefaultSurvivorship);
}

/// <summary>How a golden-record field chooses among the values its source records give.</summary>
public enum SurvivorshipRule
{
    /// <summary>The newest value (by when it happened at the source).</summary>
    MostRecent,
    /// <summary>The value from the most trusted source (data source trust rank), newest among equals.</summary>
    SourcePriority,
    /// <summary>The fullest value ("Jonathan" over "Jon", "12 High Street, Flat 3" over "12 High St").</summary>
    MostComplete,
    /// <summary>The value most source records agree on, newest among equals.</summary>
    MostFrequent,
}
