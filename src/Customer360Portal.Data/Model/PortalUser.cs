using Microsoft.AspNetCore.Identity;

namespace Customer360Portal.Data.Model;

/// <summary>An employee who signs in to the portal (agent, marketer, privacy officer, admin).</summary>
public class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>The portal's roles. Names are stored in Identity's role table, so keep them stable.</summary>
public static class PortalRoles
{
    public const string Agent = nameof(Agent);
    public const string Marketer = nameof(Marketer);
    public const string PrivacyOfficer = nameof(PrivacyOfficer);
    public const string Admin = nameof(Admin);

    public static readonly IReadOnlyList<string> All = [Agent, Marketer, PrivacyOfficer, Admin];
}
