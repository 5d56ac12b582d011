using Customer360Portal.Core.Predictions.Churn;

namespace Customer360Portal.Core.Predictions.Scoring;

/// <summary>Model bytes for <see cref="Data.Model.PredictionModel"/>: the churn model's own ML.NET zip.</summary>
internal static class ChurnModelFile
{
    public static byte[] Save(ChurnModel model) => model.Save();

    public static ChurnModel Load(byte[] bytes, int seed = 1) => ChurnModel.Load(bytes, seed);
}
