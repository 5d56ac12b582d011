using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Data;

/// <summary>
/// The Identity schema trap: <see cref="Microsoft.AspNetCore.Identity.EntityFrameworkCore.IdentityUserContext{TUser}"/>
/// reads its schema version from <see cref="IdentityOptions"/> in the application service provider, and a context
/// built without one silently gets the v1 model (no passkeys table), after which migrations no longer match.
/// Every host configures version 3 here, and the model refuses to build without it.
/// </summary>
public static class IdentitySchema
{
    public static readonly Version Version = IdentitySchemaVersions.Version3;

    public static void Configure(IServiceCollection services) =>
        services.Configure<IdentityOptions>(o => o.Stores.SchemaVersion = Version);

    /// <summary>Services for contexts built outside a host (design time, tests): pass to UseApplicationServiceProvider.</summary>
    public static IServiceProvider StandaloneServices { get; } = BuildStandalone();

    private static ServiceProvider BuildStandalone()
    {
        var services = new ServiceCollection();
        Configure(services);
        return services.BuildServiceProvider();
    }

    internal static void EnsureConfigured(DbContext context)
    {
        var configured = context.GetService<IDbContextOptions>().Extensions.OfType<CoreOptionsExtension>().FirstOrDefault()
            ?.ApplicationServiceProvider?.GetService<IOptions<IdentityOptions>>()?.Value.Stores.SchemaVersion;
        if (configured != Version)
            throw new InvalidOperationException(
                $"The profile store needs Identity schema {Version}; build it through DI (AddProfileStore) or with UseApplicationServiceProvider(IdentitySchema.StandaloneServices).");
    }
}
