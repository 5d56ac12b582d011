using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Insights;

/// <summary>Names of stages, channels and bands as the dashboard shows them.</summary>
public static class InsightsWording
{
    public static string Stage(LifecycleStage stage) => stage switch
    {
        LifecycleStage.AtRisk => "At risk",
        _ => stage.ToString(),
    };

    public static string Channel(InteractionChannel channel) => channel switch
    {
        InteractionChannel.Sms => "SMS",
        _ => channel.ToString(),
    };

    public static string Band(string band) => band switch
    {
        "high" => "High risk",
        "medium" => "Medium risk",
        "low" => "Low risk",
        _ => band,
    };
}
