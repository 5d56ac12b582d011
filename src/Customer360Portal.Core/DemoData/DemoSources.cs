using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.DemoData;

/// <summary>The five simulated source systems of demo mode and benchmarks, and how each reaches the portal.</summary>
public static class DemoSources
{
    public sealed record DemoSource(string Key, string DisplayName, SourceKind Kind, ConnectorStyle Connector, string RecordKind, int TrustRank);

    public static readonly DemoSource Crm = new("crm", "CRM contacts", SourceKind.Crm, ConnectorStyle.Pull, "contact", 30);
    public static readonly DemoSource Shop = new("shop", "Shop orders", SourceKind.Shop, ConnectorStyle.Pull, "order", 20);
    public static readonly DemoSource HelpDesk = new("helpdesk", "Help desk", SourceKind.HelpDesk, ConnectorStyle.FileDrop, "ticket", 10);
    public static readonly DemoSource Email = new("email", "Email platform", SourceKind.EmailPlatform, ConnectorStyle.Push, "email_event", 10);
    public static readonly DemoSource Web = new("web", "Web analytics", SourceKind.WebAnalytics, ConnectorStyle.Tracking, "web_event", 5);

    public static readonly IReadOnlyList<DemoSource> All = [Crm, Shop, HelpDesk, Email, Web];
}
