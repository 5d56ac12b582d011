using Customer360Portal.Data.Model;
using MudBlazor;

namespace Customer360Portal.Web.Setup;

/// <summary>
/// The portal's areas: one list drives the policies, the navigation and the home page, so a role sees exactly
/// the areas it may open.
/// </summary>
public sealed record PortalArea(string Title, string Href, string Icon, string? Policy, string[] Roles, string Summary);

public static class Policies
{
    public const string Customers = nameof(Customers);
    public const string Marketing = nameof(Marketing);
    public const string Privacy = nameof(Privacy);
    public const string Administration = nameof(Administration);
    /// <summary>Deciding whether two profiles are one person (the match review queue).</summary>
    public const string MatchReview = nameof(MatchReview);
    /// <summary>Opening one customer's profile: agents, privacy officers (requests, rectification) and admins.</summary>
    public const string Profiles = nameof(Profiles);
}

public static class PortalAreas
{
    private static readonly string[] AgentRoles = [PortalRoles.Agent, PortalRoles.Admin];
    private static readonly string[] MarketerRoles = [PortalRoles.Marketer, PortalRoles.Admin];
    private static readonly string[] PrivacyRoles = [PortalRoles.PrivacyOfficer, PortalRoles.Admin];
    private static readonly string[] AdminRoles = [PortalRoles.Admin];

    /// <summary>Roles that may open a customer's profile page (not an area of its own: profiles are opened from other pages).</summary>
    public static readonly string[] ProfileRoles = [PortalRoles.Agent, PortalRoles.PrivacyOfficer, PortalRoles.Admin];

    /// <summary>Roles that may split a merged profile again; privacy officers see the identity graph but do not change it.</summary>
    public static readonly string[] UnmergeRoles = AgentRoles;

    /// <summary>Policies of pages outside the navigation, with their roles.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> PagePolicies = new Dictionary<string, string[]>
    {
        [Policies.Profiles] = ProfileRoles,
    };

    public static bool MayUnmerge(System.Security.Claims.ClaimsPrincipal user) => UnmergeRoles.Any(user.IsInRole);

    /// <summary>Roles that write notes and follow-ups on a profile: the people who talk to customers (and admins).</summary>
    public static readonly string[] NoteRoles = AgentRoles;

    public static bool MayWriteNotes(System.Security.Claims.ClaimsPrincipal user) => NoteRoles.Any(user.IsInRole);

    public static readonly PortalArea Customers = new("Customers", "customers", Icons.Material.Filled.People, Policies.Customers, AgentRoles,
        "Find a customer and see one profile with their whole history.");
    public static readonly PortalArea MatchReview = new("Match review", "reviews", Icons.Material.Filled.CompareArrows, Policies.MatchReview, AgentRoles,
        "Decide whether two profiles are the same person, with the evidence side by side.");
    public static readonly PortalArea Segments = new("Segments", "segments", Icons.Material.Filled.FilterAlt, Policies.Marketing, MarketerRoles,
        "Build audiences from rules and export the customers who consented.");
    public static readonly PortalArea Insights = new("Insights", "insights", Icons.Material.Filled.Insights, Policies.Marketing, MarketerRoles,
        "Lifecycle, revenue, churn risk and consent at a glance.");
    public static readonly PortalArea Offers = new("Offers", "offers", Icons.Material.Filled.LocalOffer, Policies.Marketing, MarketerRoles,
        "Define the products and campaigns next best offer proposes, and who may get them.");
    public static readonly PortalArea Models = new("Models", "models", Icons.Material.Filled.ModelTraining, Policies.Marketing, MarketerRoles,
        "How good the churn model is, which version is active, and when it was trained.");
    public static readonly PortalArea Consent = new("Consent", "privacy/consent", Icons.Material.Filled.VerifiedUser, Policies.Privacy, PrivacyRoles,
        "Consent per purpose and channel, with its history.");
    public static readonly PortalArea Requests = new("Requests", "privacy/requests", Icons.Material.Filled.Gavel, Policies.Privacy, PrivacyRoles,
        "Access, rectification, restriction and erasure requests.");
    public static readonly PortalArea AuditLog = new("Audit log", "privacy/audit", Icons.Material.Filled.History, Policies.Privacy, PrivacyRoles,
        "Who viewed, exported or changed what, and when.");
    public static readonly PortalArea Users = new("Users", "admin/users", Icons.Material.Filled.ManageAccounts, Policies.Administration, AdminRoles,
        "Create users, assign roles, lock and reset passwords.");
    public static readonly PortalArea Sync = new("Sync", "admin/sync", Icons.Material.Filled.Sync, Policies.Administration, AdminRoles,
        "Source systems and the background services that bring their data in.");
    public static readonly PortalArea Quarantine = new("Quarantine", "admin/quarantine", Icons.Material.Filled.Report, Policies.Administration, AdminRoles,
        "Records that failed validation: fix them and replay, nothing is lost.");
    public static readonly PortalArea Resolution = new("Identity resolution", "admin/resolution", Icons.Material.Filled.Hub, Policies.Administration, AdminRoles,
        "How records become people: the match model, merges, reviews and full re-resolution.");
    public static readonly PortalArea DataQuality = new("Data quality", "admin/quality", Icons.Material.Filled.FactCheck, Policies.Administration, AdminRoles,
        "Completeness, validity, duplicates and quarantine.");

    public static readonly IReadOnlyList<PortalArea> All = [Customers, MatchReview, Segments, Insights, Offers, Models, Consent, Requests, AuditLog, Users, Sync, Quarantine, Resolution, DataQuality];

    public static IEnumerable<PortalArea> For(System.Security.Claims.ClaimsPrincipal user) =>
        All.Where(a => a.Roles.Any(user.IsInRole));
}
