using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Privacy;

public static class RequestsSetup
{
    /// <summary>The data-subject request queue and the access package it answers access requests with.</summary>
    public static IHostApplicationBuilder AddPrivacyRequests(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PrivacyRequests>();
        builder.Services.AddSingleton<AccessPackage>();
        return builder;
    }
}
