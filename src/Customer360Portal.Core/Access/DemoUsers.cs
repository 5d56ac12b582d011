using Customer360Portal.Core.Audit;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Access;

/// <summary>
/// One sign-in per role for demo mode only (listed in the README). A plain start never creates these.
/// </summary>
public static class DemoUsers
{
    public sealed record DemoUser(string Email, string DisplayName, string Password, string Role);

    public static readonly IReadOnlyList<DemoUser> All =
    [
        new("agent@demo.c360.test", "Alex Agent", "demo-agent-2026", PortalRoles.Agent),
        new("marketer@demo.c360.test", "Morgan Marketer", "demo-marketer-2026", PortalRoles.Marketer),
        new("privacy@demo.c360.test", "Pat Privacy", "demo-privacy-2026", PortalRoles.PrivacyOfficer),
        new("admin@demo.c360.test", "Ada Admin", "demo-admin-2026", PortalRoles.Admin),
    ];

    public static async Task EnsureAsync(UserAdministration users)
    {
        var existing = (await users.ListAsync()).Select(u => u.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var demo in All.Where(d => !existing.Contains(d.Email)))
        {
            var result = await users.CreateAsync(demo.Email, demo.DisplayName, demo.Password, [demo.Role], AuditActor.System("demo-mode"));
            if (!result.Succeeded)
                throw new InvalidOperationException($"Demo user for role {demo.Role} could not be created: {string.Join("; ", result.Errors)}");
        }
    }
}
