namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>Settings of churn training and scoring (section "Predictions:Churn").</summary>
public sealed class ChurnScoringOptions
{
    public const string Section = "Predictions:Churn";

    /// <summary>Whether the background job trains and scores.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Churn = no purchase within this many days after the cut-off.</summary>
    public int HorizonDays { get; set; } = 90;

    /// <summary>How often the job runs; a new model is trained when the active one is older than this.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Fewer customers with a purchase before the training cut-off than this: no model is trained.</summary>
    public int MinimumCustomers { get; set; } = 200;

    /// <summary>Seed of the holdout split and the learner, so a training run can be repeated.</summary>
    public int Seed { get; set; } = 1;
}
