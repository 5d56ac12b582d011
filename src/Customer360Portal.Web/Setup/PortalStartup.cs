using Customer360Portal.Core.Access;
using Customer360Portal.Data;
using Customer360Portal.Web.Components;
using Customer360Portal.Web.Api;
using Customer360Portal.Web.Components.Account;
using Microsoft.AspNetCore.Authorization;

namespace Customer360Portal.Web.Setup;

public static class PortalStartup
{
    /// <summary>
    /// Migrates the embedded store (SQL Server only when MigrateOnStartup is set: production migrates explicitly),
    /// makes sure the roles exist, and in demo mode creates the demo users.
    /// </summary>
    public static async Task PrepareProfileStoreAsync(this WebApplication app)
    {
        var migrator = app.Services.GetRequiredService<ProfileStoreMigrator>();
        if (migrator.MigratesOnStartup)
            await migrator.MigrateAsync();

        var users = app.Services.GetRequiredService<UserAdministration>();
        await users.EnsureRolesAsync();
        if (app.IsDemo())
        {
            await DemoUsers.EnsureAsync(users);
            await app.StartDemoSourcesAsync();
            await Core.DemoData.DemoOffers.EnsureAsync(app.Services.GetRequiredService<Core.Predictions.Offers.Portal.OfferDefinitions>(), app.Services.GetRequiredService<TimeProvider>());
            app.PrintDemoBanner();
        }
        else if (!await users.AnyAdminAsync())
        {
            app.Logger.LogWarning("No admin account exists yet. Create one with: c360 create-admin --email <address>");
        }
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseSecurityHeaders();
        // Explicit order: the rate limiter must run after routing (it reads the endpoint's policy), and once routing is
        // explicit, authentication and authorization must be too.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        // The fallback policy demands sign-in everywhere, static assets included; the login page needs its CSS and
        // scripts before anyone has signed in (dotnet/aspnetcore#51836).
        app.MapStaticAssets().Add(endpoint => endpoint.Metadata.Add(new AllowAnonymousAttribute()));
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        app.MapIngestApi();
        app.MapTrackingApi();
        app.MapPrivacyRequestsApi();
        app.MapSegmentsApi();
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }
}
