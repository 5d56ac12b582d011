using Customer360Portal.Core.Access;
using Customer360Portal.Core.Audit;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Core.Tests.Access;

public class UserAdministrationTests
{
    private static readonly AuditActor Admin = new("admin-id", "admin@example.com");

    private static async Task<(TestProfileStore Test, UserAdministration Users)> CreateAsync()
    {
        var test = await CoreHost.CreateAsync();
        var users = test.Get<UserAdministration>();
        await users.EnsureRolesAsync();
        return (test, users);
    }

    private static async Task<PortalUserSummary> FindAsync(UserAdministration users, string email) =>
        (await users.ListAsync()).Single(u => u.Email == email);

    [Fact]
    public async Task Create_WithRoles_ListsTheUserWithThemAndAuditsIt()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;

        var result = await users.CreateAsync("sam@example.com", "Sam", "correct-horse-42", [PortalRoles.Agent, PortalRoles.Marketer], Admin);

        Assert.True(result.Succeeded, string.Join(";", result.Errors));
        var sam = await FindAsync(users, "sam@example.com");
        Assert.Equal([PortalRoles.Agent, PortalRoles.Marketer], sam.Roles);
        Assert.False(sam.IsLockedOut);
        var audit = await test.Get<AuditLog>().RecentAsync(10);
        var entry = Assert.Single(audit, a => a.Action == "user.created");
        Assert.Equal(sam.Id, entry.TargetId);
        Assert.Equal("admin@example.com", entry.UserName);
        Assert.DoesNotContain("sam@example.com", entry.Details);
    }

    [Theory]
    [InlineData("short1", "at least 12 characters")]
    [InlineData("no-digits-in-here", "digit")]
    public async Task Create_WithWeakPassword_IsRefusedWithAReason(string password, string expected)
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;

        var result = await users.CreateAsync("weak@example.com", "", password, [PortalRoles.Agent], Admin);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains(expected));
        Assert.DoesNotContain(await users.ListAsync(), u => u.Email == "weak@example.com");
    }

    [Fact]
    public async Task Create_WithUnknownRole_IsRefused()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;
        var result = await users.CreateAsync("x@example.com", "", "correct-horse-42", ["Superuser"], Admin);
        Assert.False(result.Succeeded);
        Assert.Empty(await users.ListAsync());
    }

    [Fact]
    public async Task SetRoles_ReplacesRoles_ButNeverRemovesTheLastAdmin()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;
        await users.CreateAsync("boss@example.com", "", "correct-horse-42", [PortalRoles.Admin], Admin);
        var boss = await FindAsync(users, "boss@example.com");

        var demoted = await users.SetRolesAsync(boss.Id, [PortalRoles.Agent], Admin);
        Assert.False(demoted.Succeeded);
        Assert.Equal([PortalRoles.Admin], (await FindAsync(users, "boss@example.com")).Roles);

        await users.CreateAsync("second@example.com", "", "correct-horse-42", [PortalRoles.Admin], Admin);
        Assert.True((await users.SetRolesAsync(boss.Id, [PortalRoles.Agent, PortalRoles.PrivacyOfficer], Admin)).Succeeded);
        Assert.Equal([PortalRoles.Agent, PortalRoles.PrivacyOfficer], (await FindAsync(users, "boss@example.com")).Roles);
    }

    [Fact]
    public async Task LockAndUnlock_ChangeWhetherTheUserCanSignIn()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;
        await users.CreateAsync("kim@example.com", "", "correct-horse-42", [PortalRoles.Agent], Admin);
        var kim = await FindAsync(users, "kim@example.com");

        Assert.True((await users.LockAsync(kim.Id, Admin)).Succeeded);
        Assert.True((await FindAsync(users, "kim@example.com")).IsLockedOut);

        Assert.True((await users.UnlockAsync(kim.Id, Admin)).Succeeded);
        Assert.False((await FindAsync(users, "kim@example.com")).IsLockedOut);

        var actions = (await test.Get<AuditLog>().RecentAsync(10)).Select(a => a.Action).ToList();
        Assert.Contains("user.locked", actions);
        Assert.Contains("user.unlocked", actions);
    }

    [Fact]
    public async Task Lock_OwnAccount_IsRefused()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;
        await users.CreateAsync("me@example.com", "", "correct-horse-42", [PortalRoles.Admin], Admin);
        var me = await FindAsync(users, "me@example.com");

        var result = await users.LockAsync(me.Id, new AuditActor(me.Id, me.Email));

        Assert.False(result.Succeeded);
        Assert.False((await FindAsync(users, "me@example.com")).IsLockedOut);
    }

    [Fact]
    public async Task ResetPassword_NewPasswordWorks_OldOneNoLonger()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;
        await users.CreateAsync("lee@example.com", "", "correct-horse-42", [PortalRoles.Agent], Admin);
        var lee = await FindAsync(users, "lee@example.com");

        Assert.True((await users.ResetPasswordAsync(lee.Id, "battery-staple-77", Admin)).Succeeded);

        await using var scope = test.Host.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await manager.FindByEmailAsync("lee@example.com"))!;
        Assert.True(await manager.CheckPasswordAsync(user, "battery-staple-77"));
        Assert.False(await manager.CheckPasswordAsync(user, "correct-horse-42"));
    }

    [Fact]
    public async Task CountPerRole_CountsEveryRoleIncludingEmptyOnes()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;
        await users.CreateAsync("a@example.com", "", "correct-horse-42", [PortalRoles.Agent], Admin);
        await users.CreateAsync("b@example.com", "", "correct-horse-42", [PortalRoles.Agent, PortalRoles.Admin], Admin);

        var counts = await users.CountPerRoleAsync();

        Assert.Equal(2, counts[PortalRoles.Agent]);
        Assert.Equal(1, counts[PortalRoles.Admin]);
        Assert.Equal(0, counts[PortalRoles.Marketer]);
        Assert.Equal(0, counts[PortalRoles.PrivacyOfficer]);
    }

    [Fact]
    public async Task DemoUsers_CreatedTwice_GivesOneUserPerRole()
    {
        var (test, users) = await CreateAsync();
        await using var _ = test;

        await DemoUsers.EnsureAsync(users);
        await DemoUsers.EnsureAsync(users);

        var all = await users.ListAsync();
        Assert.Equal(4, all.Count);
        Assert.All(PortalRoles.All, role => Assert.Single(all, u => u.Roles.SequenceEqual([role])));
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.True(await store.Users.AllAsync(u => u.EmailConfirmed));
    }
}
