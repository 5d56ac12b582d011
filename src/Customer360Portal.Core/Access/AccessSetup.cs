using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Customer360Portal.Core.Access;

public static class AccessSetup
{
    /// <summary>
    /// Identity on the profile store with the portal's password and lockout policy, roles, and data-protection keys
    /// kept in the store (so sign-in cookies and reset tokens survive restarts and work across several nodes).
    /// The web app adds sign-in and cookies on top; the CLI uses it as is.
    /// </summary>
    public static IdentityBuilder AddPortalIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection()
            .SetApplicationName("Customer360Portal")
            .PersistKeysToDbContext<ProfileStore>();

        builder.Services.AddSingleton<UserAdministration>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddAudit();

        return builder.Services.AddIdentityCore<PortalUser>(ConfigureIdentity)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ProfileStore>()
            .AddDefaultTokenProviders();
    }

    public static void ConfigureIdentity(IdentityOptions options)
    {
        options.Stores.SchemaVersion = IdentitySchema.Version;
        // Accounts are created by admins, who confirm them; nobody registers themselves.
        options.SignIn.RequireConfirmedAccount = true;
        options.User.RequireUniqueEmail = true;
        // NIST 800-63B leans on length over composition rules; one digit and a non-letter keep weak demo passwords out.
        options.Password.RequiredLength = 12;
        options.Password.RequireDigit = true;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireLowercase = true;
        options.Password.RequiredUniqueChars = 5;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
    }
}
