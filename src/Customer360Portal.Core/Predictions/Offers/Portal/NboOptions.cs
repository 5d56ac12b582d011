namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>Settings of next-best-offer training and scoring (section "Predictions:NextBestOffer").</summary>
public sealed class NboOptions
{
    public const string Section = "Predictions:NextBestOffer";

    /// <summary>Whether the background job trains and scores.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the job runs; a new model is trained when the active one is older than this.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Fewer customers with two or more products than this: no model is trained.</summary>
    public int MinimumCustomers { get; set; } = 50;

    /// <summary>How many offers are kept per customer (the best first).</summary>
    public int OffersPerCustomer { get; set; } = 3;

    /// <summary>A declined offer is not offered to the same person again for this many days.</summary>
    public int DeclinedCooldownDays { get; set; } = 90;

    /// <summary>Channel engagement counts email, web and app interactions of this many recent days.</summary>
    public int EngagementDays { get; set; } = 90;

    /// <summary>A campaign is ranked through at most this many of its category's products (the most bought first).</summary>
    public int ItemsPerCampaign { get; set; } = 20;

    public int Seed { get; set; } = 42;
}
