namespace Customer360Portal.Core.Predictions.Offers.Portal;

/// <summary>
/// Span names of next-best-offer training and scoring, on <see cref="PredictionsTelemetry.Source"/> (so an operator's
/// tracing and <c>c360 bench predict</c> see the offer side's phases beside churn's).
/// </summary>
public static class NboTelemetry
{
    public const string Read = "nbo.inputs.read";
    public const string Fit = "nbo.fit";
    public const string Rules = "nbo.score.rules";
    public const string Rank = "nbo.score.rank";
    public const string Write = "nbo.score.write";

    /// <summary>The reads that run side by side inside <see cref="Read"/> (their wall times overlap): which one scoring waits for.</summary>
    public const string ReadHistories = "nbo.read.histories";
    public const string ReadEngagement = "nbo.read.engagement";
    public const string ReadConsent = "nbo.read.consent";
    public const string ReadRules = "nbo.read.rules";
}
