using MudBlazor.Services;

namespace Customer360Portal.Web.Setup;

public static class PortalUi
{
    public static IHostApplicationBuilder AddPortalUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents(circuit =>
            {
                // Detailed errors would send exception messages (which may quote data) to the browser.
                circuit.DetailedErrors = false;
            });
        builder.Services.AddMudServices();
        builder.Services.AddScoped<Components.Shared.CustomerSearchState>();
        builder.Services.AddScoped<Components.Shared.ReviewDecisions>();
        return builder;
    }
}
