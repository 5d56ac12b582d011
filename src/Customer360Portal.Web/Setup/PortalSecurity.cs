using System.Security.Claims;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Account;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Customer360Portal.Web.Setup;

public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Cookies are Secure-only by default. Development and the docker-compose demo serve plain HTTP on loopback and set
    /// this; a real deployment terminates TLS in front of the portal and leaves it off.
    /// </summary>
    public bool AllowInsecureCookies { get; set; }
}

/// <summary>Sign-in cookies, the authorization policy per area and a health check.</summary>
public static class PortalSecurity
{
    public static IHostApplicationBuilder AddPortalSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        var allowInsecure = builder.Configuration.GetValue<bool>($"{SecurityOptions.Section}:{nameof(SecurityOptions.AllowInsecureCookies)}");

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = "c360.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = allowInsecure ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        // Cookies are re-checked against the user's security stamp every minute, so locking a user or changing their
        // roles ends their access quickly (UserAdministration renews the stamp).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.SecurePolicy = allowInsecure ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });

        services.AddAuthorization(options =>
        {
            // Everything needs sign-in unless it says otherwise; each area adds its own role policy.
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var area in PortalAreas.All.Where(a => a.Policy is not null).DistinctBy(a => a.Policy))
                options.AddPolicy(area.Policy!, policy => policy.RequireRole(area.Roles));
            foreach (var (name, roles) in PortalAreas.PagePolicies)
                options.AddPolicy(name, policy => policy.RequireRole(roles));
        });

        services.AddHealthChecks().AddCheck<ProfileStoreHealthCheck>("profile-store");
        return builder;
    }

    public static AuditActor ToAuditActor(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name ?? "anonymous");

    /// <summary>Conservative headers: no framing, no MIME sniffing, no referrer leaking customer ids in URLs.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            await next();
        });

    private sealed class ProfileStoreHealthCheck(IDbContextFactory<ProfileStore> stores) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var store = await stores.CreateDbContextAsync(cancellationToken);
            return await store.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The profile store cannot be reached.");
        }
    }
}
