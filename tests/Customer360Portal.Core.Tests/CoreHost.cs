using Customer360Portal.Core.Access;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data;
using Customer360Portal.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Customer360Portal.Core.Tests;

/// <summary>The core features on a real SQLite store, with a clock the test controls.</summary>
public static class CoreHost
{
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static Task<TestProfileStore> CreateAsync(Action<IHostApplicationBuilder>? configure = null) =>
        TestProfileStore.CreateAsync(Services(configure));

    /// <summary>A second host on <paramref name="owner"/>'s store, as a second process would be.</summary>
    public static Task<TestProfileStore> OpenAsync(TestProfileStore owner, Action<IHostApplicationBuilder>? configure = null) =>
        TestProfileStore.OpenAsync(owner, Services(configure));

    private static Action<IHostApplicationBuilder> Services(Action<IHostApplicationBuilder>? configure) =>
        builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
            builder.AddPortalIdentity();
            builder.AddConsent();
            builder.AddIntake();
            builder.AddProfiles(runInBackground: false);
            builder.AddCustomerView();
            configure?.Invoke(builder);
        };

    public static T Get<T>(this TestProfileStore store) where T : notnull => store.Host.Services.GetRequiredService<T>();
}
