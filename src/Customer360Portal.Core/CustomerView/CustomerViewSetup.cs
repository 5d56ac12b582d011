using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.CustomerView;

public static class CustomerViewSetup
{
    /// <summary>What the agent's profile page reads and writes beyond the identity graph: summary, timeline, notes.</summary>
    public static IHostApplicationBuilder AddCustomerView(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProfileSummaries>();
        builder.Services.AddSingleton<CustomerTimeline>();
        builder.Services.AddSingleton<CustomerNotes>();
        return builder;
    }
}
