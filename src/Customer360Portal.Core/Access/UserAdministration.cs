using Customer360Portal.Core.Audit;
using Customer360Portal.Data;
using Customer360Portal.Data.Model;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Customer360Portal.Core.Access;

public sealed record PortalUserSummary(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles,
    bool IsLockedOut, DateTimeOffset? LockoutEnd, int FailedAttempts, DateTime CreatedAt);

/// <summary>The outcome of an admin action: success, or errors fit to show the admin.</summary>
public sealed record AdminResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static readonly AdminResult Ok = new(true, []);
    public static AdminResult Fail(params string[] errors) => new(false, errors);
    public static AdminResult From(IdentityResult result) => result.Succeeded ? Ok : new(false, result.Errors.Select(e => e.Description).ToList());
}

/// <summary>
/// Creating users, assigning roles, locking and resetting passwords. Each call runs in its own DI scope because
/// UserManager is scoped and a Blazor circuit lives too long to hold one. Every change is audited.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<PortalUserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ProfileStore>();
        var users = await store.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await (from ur in store.UserRoles
                           join r in store.Roles on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var rolesByUser = roles.ToLookup(r => r.UserId, r => r.Name!);
        var now = clock.GetUtcNow();
        return users.Select(u => new PortalUserSummary(u.Id, u.Email ?? "", u.DisplayName,
            rolesByUser[u.Id].Order().ToList(), u.LockoutEnd > now, u.LockoutEnd, u.AccessFailedCount, u.CreatedAt)).ToList();
    }

    public async Task<IReadOnlyDictionary<string, int>> CountPerRoleAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ProfileStore>();
        var counts = await (from ur in store.UserRoles
                            join r in store.Roles on ur.RoleId equals r.Id
                            group ur by r.Name into g
                            select new { Role = g.Key!, Count = g.Count() }).ToDictionaryAsync(x => x.Role, x => x.Count, cancellationToken);
        return PortalRoles.All.ToDictionary(r => r, r => counts.GetValueOrDefault(r));
    }

    public async Task<AdminResult> CreateAsync(string email, string displayName, string password, IReadOnlyCollection<string> roles, AuditActor actor)
    {
        if (roles.Except(PortalRoles.All).FirstOrDefault() is { } unknown)
            return AdminResult.Fail($"Unknown role '{unknown}'.");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser
        {
            UserName = email.Trim(),
            Email = email.Trim(),
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? email.Trim() : displayName.Trim(),
            // An admin vouches for the address; there is no self-registration to confirm.
            EmailConfirmed = true,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return AdminResult.From(created);
        if (roles.Count > 0)
        {
            var assigned = await users.AddToRolesAsync(user, roles);
            if (!assigned.Succeeded) return AdminResult.From(assigned);
        }
        await audit.WriteAsync(actor, "user.created", "user", user.Id, $"roles: {string.Join(",", roles.Order())}");
        return AdminResult.Ok;
    }

    public async Task<AdminResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, AuditActor actor)
    {
        if (roles.Except(PortalRoles.All).FirstOrDefault() is { } unknown)
            return AdminResult.Fail($"Unknown role '{unknown}'.");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByIdAsync(userId) is not { } user) return AdminResult.Fail("No such user.");
        var current = await users.GetRolesAsync(user);
        if (current.Contains(PortalRoles.Admin) && !roles.Contains(PortalRoles.Admin)
            && (await users.GetUsersInRoleAsync(PortalRoles.Admin)).Count <= 1)
            return AdminResult.Fail("The last admin keeps the Admin role.");
        var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
        if (!removed.Succeeded) return AdminResult.From(removed);
        var added = await users.AddToRolesAsync(user, roles.Except(current));
        if (!added.Succeeded) return AdminResult.From(added);
        // Sign-in cookies carry roles: a new security stamp makes open sessions pick up the change.
        await users.UpdateSecurityStampAsync(user);
        await audit.WriteAsync(actor, "user.roles-changed", "user", userId, $"roles: {string.Join(",", roles.Order())}");
        return AdminResult.Ok;
    }

    public Task<AdminResult> LockAsync(string userId, AuditActor actor)
    {
        if (userId == actor.UserId) return Task.FromResult(AdminResult.Fail("You cannot lock your own account."));
        return ChangeUserAsync(userId, actor, "user.locked", async (users, user) =>
        {
            await users.SetLockoutEnabledAsync(user, true);
            var locked = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
            // Ends open sessions at their next security-stamp check.
            return locked.Succeeded ? await users.UpdateSecurityStampAsync(user) : locked;
        });
    }

    public Task<AdminResult> UnlockAsync(string userId, AuditActor actor) =>
        ChangeUserAsync(userId, actor, "user.unlocked", async (users, user) =>
        {
            var unlocked = await users.SetLockoutEndDateAsync(user, null);
            return unlocked.Succeeded ? await users.ResetAccessFailedCountAsync(user) : unlocked;
        });

    public Task<AdminResult> ResetPasswordAsync(string userId, string newPassword, AuditActor actor) =>
        ChangeUserAsync(userId, actor, "user.password-reset", async (users, user) =>
            await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), newPassword));

    /// <summary>Runs one change to one user in its own scope and audits it when it succeeds.</summary>
    private async Task<AdminResult> ChangeUserAsync(string userId, AuditActor actor, string action,
        Func<UserManager<PortalUser>, PortalUser, Task<IdentityResult>> change)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByIdAsync(userId) is not { } user) return AdminResult.Fail("No such user.");
        var result = await change(users, user);
        if (result.Succeeded)
            await audit.WriteAsync(actor, action, "user", userId);
        return AdminResult.From(result);
    }

    /// <summary>Creates the four roles if missing. Runs at every start; roles are part of the product, not demo data.</summary>
    public async Task EnsureRolesAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }

    public async Task<bool> AnyAdminAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return (await users.GetUsersInRoleAsync(PortalRoles.Admin)).Count > 0;
    }
}
