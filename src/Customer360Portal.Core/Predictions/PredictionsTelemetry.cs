using System.Diagnostics;

namespace Customer360Portal.Core.Predictions;

/// <summary>
/// Spans around the phases of churn training and scoring (feature read, fit, evaluation, prediction, explanation,
/// score writes), so an operator's tracing (OpenTelemetry: add the source name) or <c>c360 bench predict</c> sees
/// where the time goes without the services reporting timings through their results.
/// </summary>
public static class PredictionsTelemetry
{
    public const string SourceName = "Customer360Portal.Predictions";

    public const string FeatureRead = "churn.features.read";
    public const string Fit = "churn.fit";
    public const string Evaluate = "churn.evaluate";
    public const string Consent = "churn.score.consent";
    public const string Predict = "churn.score.predict";
    public const string Explain = "churn.score.explain";
    public const string Write = "churn.score.write";

    public static readonly ActivitySource Source = new(SourceName);
}
