using Customer360Portal.Core.DemoData.Tables;

namespace Customer360Portal.Core.DemoData;

/// <summary>
/// A person as they are, and the plan of what they did (orders, tickets, devices): everything that more than one
/// source needs, drawn once from the person's own streams so that each source can then be written alone.
/// </summary>
internal sealed class PersonCore
{
    public required int Index { get; init; }
    public required string PersonId { get; init; }
    public required int Country { get; init; }
    public required Culture Culture { get; init; }
    public required bool Female { get; init; }
    public required string Given { get; init; }
    public string? Nickname { get; init; }
    public required string Family { get; init; }
    public required DateOnly DateOfBirth { get; init; }
    public required DemoAddress Address { get; init; }
    public DemoAddress? PreviousAddress { get; init; }
    public DateTime MovedAt { get; init; }
    public required string Email { get; init; }
    public string? AlternateEmail { get; init; }
    public DemoPhone? Phone { get; init; }
    public int PhoneStyle { get; init; }
    public string? AccountId { get; init; }
    public string? LoyaltyNumber { get; init; }
    public int? PartnerIndex { get; init; }
    public int? SameNameAsIndex { get; init; }
    public required DateTime FirstSeen { get; init; }
    public required string[] ContactIds { get; init; }
    public required bool Subscriber { get; init; }
    public DateTime SubscribedAt { get; init; }
    public required OrderPlan[] Orders { get; init; }
    public required TicketPlan[] Tickets { get; init; }
    /// <summary>Browser cookie ids; the first is the one they signed up on.</summary>
    public required string[] Devices { get; init; }

    public bool InCrm => ContactIds.Length > 0;
    public string CountryCode => DemoPlaces.CountryCodes[Country];
    public string Currency => DemoPlaces.Currencies[Country];
}

internal readonly record struct OrderLine(int Product, int Quantity);

internal sealed record OrderPlan(
    DateTime At,
    string Number,
    string Status,
    string Channel,
    bool UsesAccount,
    bool UsesAlternateEmail,
    DemoAddress ShipTo,
    OrderLine[] Lines,
    decimal Subtotal,
    decimal Delivery)
{
    public decimal Total => Subtotal + Delivery;
}

/// <summary>A ticket, about one of the person's orders (<see cref="Order"/> ≥ 0) or not (-1).</summary>
internal readonly record struct TicketPlan(DateTime At, int Order, string Id);
