namespace Customer360Portal.Web.Api;

/// <summary>
/// The Segment-compatible tracking API (<c>/v1/batch</c>, <c>/v1/identify</c>, ...). Being built: see issue 3.
/// </summary>
public static class TrackingApi
{
    public static IHostApplicationBuilder AddTrackingApi(this IHostApplicationBuilder builder) => builder;

    public static WebApplication MapTrackingApi(this WebApplication app) => app;
}
