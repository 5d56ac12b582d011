using System.Globalization;

namespace Customer360Portal.Web.Components.Pages.Segments;

/// <summary>"3 min ago (2026-11-29 11:57 UTC)": every size and chart says when it was computed and how fresh its data was.</summary>
public static class SegmentTimes
{
    public static string Ago(DateTime? at, TimeProvider clock)
    {
        if (at is not { } time) return "never";
        var age = clock.GetUtcNow().UtcDateTime - time;
        var ago = age.TotalSeconds < 60 ? "just now"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h ago"
            : $"{(int)age.TotalDays} days ago";
        return $"{ago} ({time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)";
    }
}
