using AngleSharp.Dom;
using Bunit;
using Customer360Portal.Core.Access;
using Customer360Portal.Data.Model;
using Customer360Portal.Web.Components.Pages.Admin;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Admin;

public class UsersPageTests : PortalTestContext
{
    private static IElement FieldInput(IRenderedComponent<UsersPage> page, string panel, string label) =>
        page.FindAll($"[data-testid={panel}] .mud-input-control")
            .First(c => c.QuerySelector("label")?.TextContent.Trim() == label)
            .QuerySelector("input")!;

    private static IElement RoleCheckbox(IRenderedComponent<UsersPage> page, string panel, string role) =>
        page.FindAll($"[data-testid={panel}] label.mud-checkbox")
            .First(l => l.TextContent.Trim() == role)
            .QuerySelector("input")!;

    private async Task<IRenderedComponent<UsersPage>> RenderAsAdminAsync()
    {
        var store = await UseProfileStoreAsync();
        var users = store.Host.Services.GetRequiredService<UserAdministration>();
        await users.EnsureRolesAsync();
        await users.CreateAsync("boss@example.com", "Boss", "correct-horse-42", [PortalRoles.Admin], Core.Audit.AuditActor.System("test"));
        SignInAs("boss@example.com", PortalRoles.Admin);
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Contains("boss@example.com", page.Find("[data-testid=users-table]").TextContent), WaitTimeout);
        return page;
    }

    [Fact]
    public async Task CreateUser_WithRole_AppearsInTheTableWithThatRole()
    {
        var page = await RenderAsAdminAsync();

        FieldInput(page, "create-user", "Email").Change("new.agent@example.com");
        FieldInput(page, "create-user", "Display name").Change("New Agent");
        FieldInput(page, "create-user", "Initial password").Change("correct-horse-42");
        RoleCheckbox(page, "create-user", PortalRoles.Agent).Change(true);
        page.FindAll("[data-testid=create-user] button").Single(b => b.TextContent.Contains("Create user")).Click();

        page.WaitForAssertion(() =>
        {
            var row = page.FindAll("[data-testid=users-table] tbody tr").Single(r => r.TextContent.Contains("new.agent@example.com"));
            Assert.Contains("Agent", row.TextContent);
            Assert.Contains("Active", row.TextContent);
        }, WaitTimeout);
        var created = (await Services.GetRequiredService<UserAdministration>().ListAsync()).Single(u => u.Email == "new.agent@example.com");
        Assert.Equal([PortalRoles.Agent], created.Roles);
    }

    [Fact]
    public async Task CreateUser_WithWeakPassword_ShowsTheReasonAndCreatesNothing()
    {
        var page = await RenderAsAdminAsync();

        FieldInput(page, "create-user", "Email").Change("weak@example.com");
        FieldInput(page, "create-user", "Initial password").Change("short");
        page.FindAll("[data-testid=create-user] button").Single(b => b.TextContent.Contains("Create user")).Click();

        page.WaitForAssertion(() => Assert.Contains("at least 12 characters", Services.GetRequiredService<ISnackbar>().ShownSnackbars.Last().Message), WaitTimeout);
        Assert.DoesNotContain("weak@example.com", page.Find("[data-testid=users-table]").TextContent);
    }

    [Fact]
    public async Task SelectUser_LockThenUnlock_UpdatesTheStatus()
    {
        var page = await RenderAsAdminAsync();
        var users = Services.GetRequiredService<UserAdministration>();
        await users.CreateAsync("kim@example.com", "Kim", "correct-horse-42", [PortalRoles.Marketer], Core.Audit.AuditActor.System("test"));
        page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Contains("kim@example.com", page.Find("[data-testid=users-table]").TextContent), WaitTimeout);

        page.FindAll("[data-testid=users-table] tbody tr").Single(r => r.TextContent.Contains("kim@example.com")).Click();
        page.WaitForElement("[data-testid=user-editor]", WaitTimeout);
        page.FindAll("[data-testid=user-editor] button").Single(b => b.TextContent.Trim() == "Lock").Click();

        page.WaitForAssertion(() =>
            Assert.Contains("Locked", page.FindAll("[data-testid=users-table] tbody tr").Single(r => r.TextContent.Contains("kim@example.com")).TextContent), WaitTimeout);
        Assert.True((await users.ListAsync()).Single(u => u.Email == "kim@example.com").IsLockedOut);

        page.FindAll("[data-testid=user-editor] button").Single(b => b.TextContent.Trim() == "Unlock").Click();
        page.WaitForAssertion(() => Assert.False(users.ListAsync().Result.Single(u => u.Email == "kim@example.com").IsLockedOut), WaitTimeout);
    }
}
