using System.Net;
using Customer360Portal.Core.Access;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Setup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Web.Tests.Setup;

public class PortalSecurityTests(PortalSecurityTests.SharedPortal portal) : IClassFixture<PortalSecurityTests.SharedPortal>
{
    /// <summary>One portal for the class: starting it (migrations, demo users) is the slow part.</summary>
    public sealed class SharedPortal : PortalFactory;

    private static DemoUsers.DemoUser Demo(string role) => DemoUsers.All.Single(u => u.Role == role);

    public static TheoryData<string> AreaPaths => new(PortalAreas.All.Select(a => "/" + a.Href).Append("/"));

    [Theory]
    [MemberData(nameof(AreaPaths))]
    public async Task AnonymousRequest_ToAnyPage_RedirectsToSignIn(string path)
    {
        using var client = portal.CreatePortalClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/Account/Login", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("/app.css")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/lib/apexcharts/apexcharts.min.js")]
    [InlineData("/Account/Login")]
    [InlineData("/health")]
    public async Task SignInPageAndItsAssets_LoadAnonymously(string path)
    {
        using var client = portal.CreatePortalClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string> RolesAndAreas()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in PortalRoles.All)
            foreach (var area in PortalAreas.All)
                data.Add(role, area.Title);
        return data;
    }

    [Theory]
    [MemberData(nameof(RolesAndAreas))]
    public async Task SignedInRole_OpensOnlyItsOwnAreas(string role, string areaTitle)
    {
        var area = PortalAreas.All.Single(a => a.Title == areaTitle);
        using var client = portal.CreatePortalClient();
        var signIn = await PortalFactory.SignInAsync(client, Demo(role).Email, Demo(role).Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var response = await client.GetAsync("/" + area.Href);

        if (area.Roles.Contains(role))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains($"{area.Title} · Customer360 Portal", await response.Content.ReadAsStringAsync());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://localhost/Account/AccessDenied", response.Headers.Location!.ToString());
        }
    }

    [Theory]
    [InlineData(PortalRoles.Agent, true)]
    [InlineData(PortalRoles.PrivacyOfficer, true)]
    [InlineData(PortalRoles.Admin, true)]
    [InlineData(PortalRoles.Marketer, false)]
    public async Task ProfilePage_OpensForAgentsPrivacyOfficersAndAdminsOnly(string role, bool allowed)
    {
        using var client = portal.CreatePortalClient();
        await PortalFactory.SignInAsync(client, Demo(role).Email, Demo(role).Password);

        var response = await client.GetAsync("/customers/1");

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Profile · Customer360 Portal", await response.Content.ReadAsStringAsync());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://localhost/Account/AccessDenied", response.Headers.Location!.ToString());
        }
    }

    [Fact]
    public async Task SignIn_WithWrongPassword_StaysOnSignInAndLogsNoPersonalData()
    {
        using var client = portal.CreatePortalClient();
        const string typedEmail = "someone.private@example.org";

        var response = await PortalFactory.SignInAsync(client, typedEmail, "not-the-password-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Invalid sign-in attempt", html);
        Assert.DoesNotContain("not-the-password-1", html);
        Assert.DoesNotContain(portal.Logs.Messages, m => m.Contains(typedEmail, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SignIn_IsAuditedAndSetsAHardenedCookie()
    {
        using var client = portal.CreatePortalClient();
        var agent = Demo(PortalRoles.Agent);

        var response = await PortalFactory.SignInAsync(client, agent.Email, agent.Password);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("c360.auth="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        await using var store = await portal.Services.GetRequiredService<IDbContextFactory<ProfileStore>>().CreateDbContextAsync();
        var userId = await store.Users.Where(u => u.Email == agent.Email).Select(u => u.Id).SingleAsync();
        Assert.True(await store.AuditLog.AnyAsync(a => a.Action == "user.signed-in" && a.UserId == userId));
        // Data-protection keys live in the store, so cookies survive restarts and work across nodes.
        Assert.True(await store.DataProtectionKeys.AnyAsync());
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        using var client = portal.CreatePortalClient();

        var response = await client.GetAsync("/Account/Login");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var client = portal.CreatePortalClient();
        var admin = Demo(PortalRoles.Admin);
        await PortalFactory.SignInAsync(client, admin.Email, admin.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);

        var home = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(home, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var signOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token),
            ["ReturnUrl"] = "",
        }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/users")).StatusCode);
    }
}

public class ProductionCookieTests
{
    [Fact]
    public async Task SignInCookie_OutsideDevelopment_IsSecureOnly()
    {
        await using var portal = new PortalFactory { Environment = "Production" };
        // Outside development the portal expects TLS in front of it (see the README on forwarded headers).
        using var client = portal.CreatePortalClient(https: true);
        var agent = DemoUsers.All.Single(u => u.Role == PortalRoles.Agent);

        var response = await PortalFactory.SignInAsync(client, agent.Email, agent.Password);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("c360.auth="));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
