using System.Globalization;
using Customer360Portal.Core.CustomerView;
using Customer360Portal.Data.Model;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Customers;

/// <summary>How the timeline words and draws its entries, in one place.</summary>
public static class TimelineWording
{
    public static string Category(TimelineCategory category) => category switch
    {
        TimelineCategory.Orders => "Orders",
        TimelineCategory.Tickets => "Tickets",
        TimelineCategory.Email => "Email",
        TimelineCategory.Web => "Web & app",
        TimelineCategory.Notes => "Notes",
        TimelineCategory.Consent => "Consent",
        TimelineCategory.Merges => "Merges",
        TimelineCategory.Offers => "Offers",
        _ => "Other",
    };

    public static string Channel(InteractionChannel channel) => JourneyMapPanel.ChannelName(channel);

    /// <summary>"order.placed" reads "Order placed", "track:Product Viewed" reads "Product Viewed".</summary>
    public static string Type(TimelineEntry entry) => entry.Kind switch
    {
        TimelineEntryKind.Note => "Agent note",
        TimelineEntryKind.Consent => "Consent change",
        TimelineEntryKind.Merge => "Profiles merged",
        TimelineEntryKind.Unmerge => "Merge undone",
        TimelineEntryKind.OfferAnswer => "Offer answer",
        _ when entry.Type.StartsWith("track:", StringComparison.Ordinal) => entry.Type["track:".Length..],
        _ => Sentence(entry.Type.Replace('.', ' ')),
    };

    public static string Day(DateTime at) => at.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);

    public static string Icon(TimelineEntry entry) => entry.Category switch
    {
        TimelineCategory.Orders => entry.Type == "order.placed" ? Icons.Material.Filled.ShoppingBag : Icons.Material.Filled.AssignmentReturn,
        TimelineCategory.Tickets => Icons.Material.Filled.SupportAgent,
        TimelineCategory.Email => Icons.Material.Filled.Email,
        TimelineCategory.Web => entry.Channel == InteractionChannel.App ? Icons.Material.Filled.PhoneIphone : Icons.Material.Filled.Language,
        TimelineCategory.Notes => Icons.Material.Filled.StickyNote2,
        TimelineCategory.Consent => Icons.Material.Filled.VerifiedUser,
        TimelineCategory.Merges => Icons.Material.Filled.CallMerge,
        TimelineCategory.Offers => Icons.Material.Filled.LocalOffer,
        _ => Icons.Material.Filled.Circle,
    };

    private static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
