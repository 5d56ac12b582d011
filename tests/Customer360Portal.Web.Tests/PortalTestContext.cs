using Bunit;
using Bunit.TestDoubles;
using Customer360Portal.Core.Access;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.IdentityResolution;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Core.Search;
using Customer360Portal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Customer360Portal.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Customer360Portal.Web.Tests;

/// <summary>
/// The one bunit base context: MudBlazor services, loose JS interop (charts and MudBlazor call JS we don't test here),
/// an auth helper per role, and a longer wait for slow 2-core machines. Disposed asynchronously because MudBlazor's
/// services are async-disposable only.
/// </summary>
public abstract class PortalTestContext : BunitContext, IAsyncLifetime
{
    protected static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);
    private TestProfileStore? store;

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddScoped<ReviewDecisions>();
    }

    /// <summary>
    /// Renders as on the portal's interactive circuit (pages skip loading data while prerendering). Call after every
    /// service is registered: it starts the renderer.
    /// </summary>
    protected void RenderAsInteractive() => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    protected BunitAuthorizationContext SignInAs(string userName, params string[] roles)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetRoles(roles);
        auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, $"id-of-{userName}"));
        return auth;
    }

    /// <summary>Registers the real core services on a real SQLite store for components that use them.</summary>
    protected async Task<TestProfileStore> UseProfileStoreAsync(Action<Microsoft.Extensions.Hosting.IHostApplicationBuilder>? configure = null)
    {
        store = await TestProfileStore.CreateAsync(builder =>
        {
            configure?.Invoke(builder);
            builder.AddPortalIdentity();
            builder.AddConsent();
            builder.AddIntake();
            builder.AddProfiles(runInBackground: false);
            builder.AddSearch(runInBackground: false);
            builder.AddCustomerView();
            builder.AddErasure(runInBackground: false);
            Core.Predictions.Offers.Portal.NboSetup.AddNextBestOffer(builder, runInBackground: false);
        });
        Services.AddSingleton(store.Host.Services.GetRequiredService<UserAdministration>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Audit.AuditLog>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<SourceRegistry>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ReviewQueue>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<IdentityGraph>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ResolutionOverview>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ResolutionJobs>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ProfileChangeNotifier>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Search.CustomerSearch>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ProfileSummaries>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<CustomerTimeline>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<CustomerNotes>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<ConsentLedger>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Privacy.ErasureJobs>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Privacy.ProfileCorrections>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Predictions.Offers.Portal.CustomerOffers>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Predictions.Offers.Portal.NboTraining>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Predictions.Offers.Portal.NboNotifier>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Predictions.Offers.Portal.NboJob>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Predictions.Offers.Portal.OfferDefinitions>());
        Services.AddSingleton(store.Host.Services.GetRequiredService<Core.Predictions.Offers.Portal.ProductCatalogue>());
        Services.AddSingleton(TimeProvider.System);
        return store;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (store is not null) await store.DisposeAsync();
    }
}
