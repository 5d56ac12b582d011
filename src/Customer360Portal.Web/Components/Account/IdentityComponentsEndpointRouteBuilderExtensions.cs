using System.Security.Claims;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Customer360Portal.Web.Components.Account;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>Endpoints the static Account pages post to.</summary>
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var accountGroup = endpoints.MapGroup("/Account");

        accountGroup.MapPost("/Logout", async (
            ClaimsPrincipal user,
            [FromServices] SignInManager<PortalUser> signInManager,
            [FromServices] AuditLog audit,
            [FromForm] string? returnUrl) =>
        {
            await audit.WriteAsync(user.ToAuditActor(), "user.signed-out");
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });

        return accountGroup;
    }
}
