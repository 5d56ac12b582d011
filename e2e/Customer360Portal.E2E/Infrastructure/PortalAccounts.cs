namespace Customer360Portal.E2E.Infrastructure;

/// <summary>One area of the portal as the navigation names it, its path and the heading of its page.</summary>
public sealed record PortalArea(string Title, string Path, string Heading)
{
    public static readonly PortalArea Customers = new("Customers", "customers", "Customers");
    public static readonly PortalArea MatchReview = new("Match review", "reviews", "Match review");
    public static readonly PortalArea Segments = new("Segments", "segments", "Segments");
    public static readonly PortalArea Insights = new("Insights", "insights", "Insights");
    public static readonly PortalArea Offers = new("Offers", "offers", "Offers");
    public static readonly PortalArea Models = new("Models", "models", "Prediction models");
    public static readonly PortalArea Consent = new("Consent", "privacy/consent", "Consent");
    public static readonly PortalArea Requests = new("Requests", "privacy/requests", "Data-subject requests");
    public static readonly PortalArea AuditLog = new("Audit log", "privacy/audit", "Audit log");
    public static readonly PortalArea Users = new("Users", "admin/users", "Users");
    public static readonly PortalArea Sync = new("Sync", "admin/sync", "Sync");
    public static readonly PortalArea Quarantine = new("Quarantine", "admin/quarantine", "Quarantine");
    public static readonly PortalArea Resolution = new("Identity resolution", "admin/resolution", "Identity resolution");
    public static readonly PortalArea DataQuality = new("Data quality", "admin/quality", "Data quality");

    /// <summary>In navigation order.</summary>
    public static readonly IReadOnlyList<PortalArea> All = [Customers, MatchReview, Segments, Insights, Offers, Models, Consent, Requests, AuditLog, Users, Sync, Quarantine, Resolution, DataQuality];
}

/// <summary>A sign-in and the areas its role opens, in navigation order.</summary>
public sealed record PortalAccount(string Role, string Email, string Password, string DisplayName, IReadOnlyList<PortalArea> Areas)
{
    public static readonly IReadOnlyList<string> Roles = ["Agent", "Marketer", "PrivacyOfficer", "Admin"];

    // The demo users the portal creates in demo mode (Core/Access/DemoUsers.cs).
    public static readonly PortalAccount Agent = new("Agent", "agent@demo.c360.test", "demo-agent-2026", "Alex Agent",
        [PortalArea.Customers, PortalArea.MatchReview]);
    public static readonly PortalAccount Marketer = new("Marketer", "marketer@demo.c360.test", "demo-marketer-2026", "Morgan Marketer",
        [PortalArea.Segments, PortalArea.Insights, PortalArea.Offers, PortalArea.Models]);
    public static readonly PortalAccount PrivacyOfficer = new("PrivacyOfficer", "privacy@demo.c360.test", "demo-privacy-2026", "Pat Privacy",
        [PortalArea.Consent, PortalArea.Requests, PortalArea.AuditLog]);
    public static readonly PortalAccount Admin = new("Admin", "admin@demo.c360.test", "demo-admin-2026", "Ada Admin",
        PortalArea.All);

    /// <summary>
    /// Created with <c>c360 create-admin</c> before the portal starts and used only by the lockout test, which locks it
    /// for good: the shared role users never get locked.
    /// </summary>
    public static readonly PortalAccount LockoutTarget = new("Admin", "lockout-target@e2e.test", "lockout-target-2026", "Lockout Target",
        PortalArea.All);

    public static PortalAccount ForRole(string role) => role switch
    {
        "Agent" => Agent,
        "Marketer" => Marketer,
        "PrivacyOfficer" => PrivacyOfficer,
        "Admin" => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a portal role."),
    };

    /// <summary>Areas of other roles, which this account must not open.</summary>
    public IEnumerable<PortalArea> ForbiddenAreas => PortalArea.All.Except(Areas);

    public override string ToString() => $"{Role} ({Email})";
}
