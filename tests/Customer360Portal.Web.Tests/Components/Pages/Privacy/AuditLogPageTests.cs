using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Pages.Privacy;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Privacy;

public class AuditLogPageTests : PortalTestContext
{
    [Fact]
    public async Task LinkFromAProfile_ShowsWhoTouchedThatProfile_AndTheFiltersNarrowIt()
    {
        var store = await UseProfileStoreAsync();
        var audit = store.Host.Services.GetRequiredService<AuditLog>();
        await audit.WriteAsync(new AuditActor("u-1", "Alex Agent"), "profile.viewed", "customer", "42", "identity graph");
        await audit.WriteAsync(new AuditActor("u-2", "Pat Privacy"), "consent.changed", "customer", "42", "EmailMarketing withdrawn");
        await audit.WriteAsync(new AuditActor("u-1", "Alex Agent"), "profile.viewed", "customer", "43", "identity graph");
        SignInAs("privacy@example.com", PortalRoles.PrivacyOfficer);
        Render<MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("privacy/audit?targetType=customer&targetId=42");

        var page = Render<AuditLogPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-table] tbody tr").Count), WaitTimeout);
        Assert.All(page.FindAll("[data-testid=audit-target]"), t => Assert.Equal("customer 42", t.TextContent.Trim()));

        page.Find("input[data-testid=audit-action], [data-testid=audit-action] input").Change("consent.");
        page.Find("[data-testid=audit-search]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=audit-table] tbody tr")), WaitTimeout);
        Assert.Contains("Pat Privacy", page.Find("[data-testid=audit-table] tbody tr").TextContent);
    }
}
