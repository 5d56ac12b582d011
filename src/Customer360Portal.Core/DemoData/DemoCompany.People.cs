using System.Globalization;
using Customer360Portal.Core.DemoData.Tables;
using Customer360Portal.Core.Names;
using static Customer360Portal.Core.DemoData.DemoRandom;

namespace Customer360Portal.Core.DemoData;

// Who the people are: countries, households, names, contact details, and the plan of what they did.
public sealed partial class DemoCompany
{
    // People come in blocks of 20 with exactly 12 in the UK, 4 in the US, 2 in Germany and 2 in France, shuffled per
    // block. That gives every person an index within their country without looking at anyone else, which is what
    // household pairs and the fictional phone ranges are handed out by.
    private const int BlockSize = 20;
    private static readonly int[] CountryCounts = [12, 4, 2, 2];

    private void BlockSlots(int block, Span<byte> slots)
    {
        var k = 0;
        for (byte c = 0; c < CountryCounts.Length; c++)
            for (var n = 0; n < CountryCounts[c]; n++) slots[k++] = c;
        var rng = For(_options.Seed, block, Part.Block);
        for (var i = BlockSize - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (slots[i], slots[j]) = (slots[j], slots[i]);
        }
    }

    internal (int Country, int Local) Locate(int index)
    {
        Span<byte> slots = stackalloc byte[BlockSize];
        var block = index / BlockSize;
        var slot = index % BlockSize;
        BlockSlots(block, slots);
        var country = slots[slot];
        var rank = 0;
        for (var s = 0; s < slot; s++)
            if (slots[s] == country) rank++;
        return (country, block * CountryCounts[country] + rank);
    }

    internal int IndexOf(int country, int local)
    {
        Span<byte> slots = stackalloc byte[BlockSize];
        var block = local / CountryCounts[country];
        var rank = local % CountryCounts[country];
        BlockSlots(block, slots);
        for (var s = 0; s < BlockSize; s++)
        {
            if (slots[s] != country) continue;
            if (rank == 0) return block * BlockSize + s;
            rank--;
        }
        throw new InvalidOperationException("Unreachable: every block holds its country's count.");
    }

    private sealed record Household(Culture Culture, string Family, DemoAddress Address);

    /// <summary>Pairs of neighbours within a country (local 2k and 2k+1) share a household at the configured rate.</summary>
    private bool InHousehold(int country, int local, out int partner)
    {
        partner = IndexOf(country, local ^ 1);
        var h = Hash(_options.Seed, ((long)country << 40) | (uint)(local / 2), 0x40);
        return Unit(h) < _options.HouseholdRate && partner < _options.People;
    }

    private Household HouseholdOf(int country, int local)
    {
        var rng = For(_options.Seed, ((long)country << 40) | (uint)(local / 2), Part.Household);
        var culture = DemoNames.PickCulture(rng, country);
        var family = DemoNames.ByCulture[(int)culture].Family.Pick(rng);
        return new Household(culture, family, NewAddress(rng, country));
    }

    internal static DemoAddress NewAddress(DemoRandom rng, int country)
    {
        var city = DemoPlaces.PickCity(rng, country);
        var line = DemoPlaces.AddressLine(rng, country);
        return new DemoAddress(line, city.Name, DemoPlaces.Postcode(rng, city), DemoPlaces.CountryCodes[country]);
    }

    private readonly record struct NameDraw(bool Female, Culture Culture, string Given, string Family);

    /// <summary>A person's own name, before anyone is given somebody else's.</summary>
    private NameDraw DrawName(int index, int country, int local, bool household)
    {
        var rng = For(_options.Seed, index, Part.Core);
        var female = rng.Chance(0.5);
        Culture culture;
        string family;
        if (household)
        {
            var home = HouseholdOf(country, local);
            culture = rng.Chance(0.85) ? home.Culture : DemoNames.PickCulture(rng, country);
            family = home.Family;
        }
        else
        {
            culture = DemoNames.PickCulture(rng, country);
            var familyCulture = rng.Chance(0.9) ? culture : DemoNames.PickCulture(rng, country);
            family = DemoNames.ByCulture[(int)familyCulture].Family.Pick(rng);
        }
        var names = DemoNames.ByCulture[(int)culture];
        var given = (female ? names.Female : names.Male).Pick(rng);
        return new NameDraw(female, culture, given, family);
    }

    private bool WantsSomeoneElsesName(int index)
    {
        if (index == 0 || Unit(Hash(_options.Seed, index, 0x5A3E)) >= _options.SameNameRate) return false;
        var (country, local) = Locate(index);
        return !InHousehold(country, local, out _);
    }

    /// <summary>Where a person lives (for gifts shipped to them), without building the rest of them.</summary>
    private DemoAddress AddressOf(int index)
    {
        var (country, local) = Locate(index);
        return InHousehold(country, local, out _)
            ? HouseholdOf(country, local).Address
            : NewAddress(For(_options.Seed, index, Part.Address), country);
    }

    private static readonly (string Domain, int Weight)[] EmailDomains =
    [
        ("example.com", 30), ("example.org", 12), ("example.net", 14), ("mail.example", 16), ("post.example", 10),
        ("inbox.example", 10), ("webmail.example", 8),
    ];

    private static readonly int[] EmailDomainCumulative = DemoNames.Cumulate(EmailDomains.Select(d => d.Weight).ToArray());

    private static readonly string[] WorkDomains =
    [
        "brightwater.example", "kestrel-labs.example", "northfield-health.example", "oakridge-uni.example",
        "harlow-council.example", "tidewell.example", "meridian-freight.example", "copperleaf.example",
    ];

    // Age bands (from, to) with weights: customers are mostly 25–64.
    private static readonly (int From, int To)[] AgeBands = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74), (75, 89)];
    private static readonly int[] AgeCumulative = DemoNames.Cumulate([12, 22, 22, 18, 14, 9, 3]);

    // 1–15 orders over the history, most people only one or two.
    private static readonly int[] OrderCountCumulative = DemoNames.Cumulate([300, 200, 130, 90, 70, 50, 40, 30, 25, 20, 15, 12, 10, 8, 5]);

    // How people usually write their own phone: E.164, +44 spaced, national spaced, national compact, brackets, 00, +44 (0).
    private static readonly int[] PhoneStyleCumulative = DemoNames.Cumulate([10, 15, 35, 20, 8, 5, 7]);

    private static readonly int[] DeviceCountCumulative = DemoNames.Cumulate([60, 28, 12]);

    private static readonly int[] LineCountCumulative = DemoNames.Cumulate([55, 28, 12, 5]);

    internal PersonCore BuildCore(int index)
    {
        var (country, local) = Locate(index);
        var household = InHousehold(country, local, out var partner);
        var name = DrawName(index, country, local, household);
        int? sameNameAs = null;
        if (WantsSomeoneElsesName(index))
        {
            var other = index - 1 - (int)((Hash(_options.Seed, index, 0x5A3F) >> 20) % (ulong)Math.Min(index, 500));
            if (!WantsSomeoneElsesName(other))
            {
                var (oc, ol) = Locate(other);
                name = DrawName(other, oc, ol, InHousehold(oc, ol, out _));
                sameNameAs = other;
            }
        }

        var address = household ? HouseholdOf(country, local).Address : NewAddress(For(_options.Seed, index, Part.Address), country);
        var rng = For(_options.Seed, index, Part.Plan);

        string? nickname = null;
        var informal = GivenNameVariants.InformalFormsOf(name.Given);
        if (informal.Count > 0 && rng.Chance(_options.NicknameRate)) nickname = informal[rng.Next(Math.Min(informal.Count, 3))];

        var band = AgeBands[rng.PickWeighted(AgeCumulative)];
        var birthday = DateOnly.FromDateTime(_now).AddYears(-rng.Between(band.From, band.To)).AddDays(-rng.Next(365));

        DemoAddress? previous = null;
        var movedAt = default(DateTime);
        if (rng.Chance(_options.MovedRate))
        {
            previous = NewAddress(rng, country);
            movedAt = rng.Between(_start.AddDays(_options.HistoryDays / 4), _now.AddDays(-30));
        }

        var number = (index + _emailNumberOffset).ToString(CultureInfo.InvariantCulture);
        var first = DemoPlaces.AsciiLower(name.Given);
        var last = DemoPlaces.AsciiLower(name.Family);
        var nick = nickname is null ? first : DemoPlaces.AsciiLower(nickname);
        var localPart = rng.Next(7) switch
        {
            0 => $"{first}.{last}{number}",
            1 => $"{first[0]}{last}{number}",
            2 => $"{first}{last}{number}",
            3 => $"{first}_{last}{number}",
            4 => $"{last}.{first}{number}",
            5 => $"{nick}{number}",
            _ => $"{nick}.{last}{number}",
        };
        var email = localPart + "@" + EmailDomains[rng.PickWeighted(EmailDomainCumulative)].Domain;
        var alternate = rng.Chance(_options.AlternateEmailRate) ? $"{first[0]}.{last}{number}@{rng.Pick(WorkDomains)}" : null;

        DemoPhone? phone = rng.Chance(_options.PhoneShare) ? DemoPhones.Allocate(country, local, _options.Seed) : null;
        var phoneStyle = rng.PickWeighted(PhoneStyleCumulative);

        var hasAccount = rng.Chance(_options.AccountShare);
        var accountId = hasAccount ? "AC" + DemoPhones.Scramble(index, 100_000_000, _options.Seed, 10).ToString("D8", CultureInfo.InvariantCulture) : null;
        var loyalty = rng.Chance(_options.LoyaltyShare) ? "HP" + DemoPhones.Scramble(index, 10_000_000_000, _options.Seed, 11).ToString("D10", CultureInfo.InvariantCulture) : null;

        // Account holders appear when they sign up; others at their first order or first contact.
        var firstSeen = rng.Between(_start.AddDays(15), _now.AddDays(-1));
        firstSeen = new DateTime(firstSeen.Ticks - firstSeen.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

        var inCrm = rng.Chance(_options.CrmShare);
        string[] contactIds = !inCrm ? []
            : rng.Chance(_options.DuplicateContactRate) ? [ContactId(index, 0), ContactId(index, 1)]
            : [ContactId(index, 0)];

        var subscriber = rng.Chance(_options.EmailSubscriberShare);
        var subscribedAt = subscriber ? Min(firstSeen.AddSeconds(rng.Between(0, 20 * 86400)), _now.AddHours(-1)) : default;

        var orders = PlanOrders(rng, index, country, local, firstSeen, hasAccount, alternate is not null, address, previous, movedAt);
        var tickets = PlanTickets(rng, index, firstSeen, orders);

        string[] devices = hasAccount
            ? Enumerable.Range(0, 1 + rng.PickWeighted(DeviceCountCumulative)).Select(_ => rng.Uuid()).ToArray()
            : [];

        return new PersonCore
        {
            Index = index,
            PersonId = PersonIdOf(index),
            Country = country,
            Culture = name.Culture,
            Female = name.Female,
            Given = name.Given,
            Nickname = nickname,
            Family = name.Family,
            DateOfBirth = birthday,
            Address = address,
            PreviousAddress = previous,
            MovedAt = movedAt,
            Email = email,
            AlternateEmail = alternate,
            Phone = phone,
            PhoneStyle = phoneStyle,
            AccountId = accountId,
            LoyaltyNumber = loyalty,
            PartnerIndex = household ? partner : null,
            SameNameAsIndex = sameNameAs,
            FirstSeen = firstSeen,
            ContactIds = contactIds,
            Subscriber = subscriber,
            SubscribedAt = subscribedAt,
            Orders = orders,
            Tickets = tickets,
            Devices = devices,
        };
    }

    private string ContactId(int index, int copy) =>
        DemoPhones.Scramble((long)index * 2 + copy, 1_000_000_000, _options.Seed, 12).ToString("D9", CultureInfo.InvariantCulture);

    // Order numbers and ticket ids: a seeded bijection of (person, n), so they look random and never collide;
    // the live stream uses inputs from 10^9 upwards.
    private string OrderNumber(long x) => "SO-" + DemoPhones.Scramble(x, 10_000_000_000, _options.Seed, 13).ToString("D10", CultureInfo.InvariantCulture);

    private string TicketId(long x) => DemoPhones.Scramble(x, 10_000_000_000, _options.Seed, 14).ToString(CultureInfo.InvariantCulture);

    private OrderPlan[] PlanOrders(DemoRandom rng, int index, int country, int local, DateTime firstSeen, bool hasAccount, bool hasAlternate,
        DemoAddress home, DemoAddress? previous, DateTime movedAt)
    {
        if (!rng.Chance(hasAccount ? _orderIfAccount : _orderIfNoAccount)) return [];
        var count = 1 + rng.PickWeighted(OrderCountCumulative);
        var times = new DateTime[count];
        times[0] = firstSeen.AddSeconds(rng.Between(hasAccount ? 600 : 0, 3 * 86400));
        for (var k = 1; k < count; k++) times[k] = rng.Between(firstSeen, _now);
        Array.Sort(times);

        var orders = new OrderPlan[count];
        var (charge, freeFrom) = DemoCatalog.Delivery(country);
        for (var k = 0; k < count; k++)
        {
            var at = Min(times[k], _now.AddMinutes(-5));
            at = new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            var lines = new OrderLine[1 + rng.PickWeighted(LineCountCumulative)];
            var subtotal = 0m;
            for (var l = 0; l < lines.Length; l++)
            {
                var product = DemoCatalog.PickProductIndex(rng);
                var quantity = rng.Next(100) switch { < 85 => 1, < 97 => 2, _ => 3 };
                lines[l] = new OrderLine(product, quantity);
                subtotal += DemoCatalog.Products[product].PriceIn(country) * quantity;
            }
            var age = _now - at;
            var status = age.TotalDays switch
            {
                < 1 => rng.Chance(0.5) ? "placed" : "paid",
                < 4 => "shipped",
                _ => rng.Next(100) switch { < 90 => "delivered", < 96 => "returned", _ => "cancelled" },
            };
            var channel = rng.Next(100) switch { < 80 => "web", < 92 => "app", _ => "phone" };
            var usesAccount = hasAccount && channel != "phone" && rng.Chance(0.85);
            var shipTo = previous is not null && at < movedAt ? previous : home;
            if (rng.Chance(_options.GiftShippingRate))
            {
                // A present sent to somebody else in the same country: often another customer (an earlier one, so the
                // choice never depends on how many people are generated), otherwise someone the company does not know.
                var offset = rng.Next(200);
                shipTo = local > 0 && rng.Chance(0.6) ? AddressOf(IndexOf(country, local - 1 - offset % local)) : NewAddress(rng, country);
            }
            orders[k] = new OrderPlan(at, OrderNumber((long)index * 16 + k), status, channel, usesAccount,
                hasAlternate && rng.Chance(0.4), shipTo, lines, subtotal, subtotal >= freeFrom ? 0m : charge);
        }
        return orders;
    }

    private TicketPlan[] PlanTickets(DemoRandom rng, int index, DateTime firstSeen, OrderPlan[] orders)
    {
        if (!rng.Chance(orders.Length > 0 ? _ticketIfOrders : _ticketIfNoOrders)) return [];
        var count = rng.Next(100) switch { < 70 => 1, < 92 => 2, _ => 3 };
        var tickets = new TicketPlan[count];
        for (var k = 0; k < count; k++)
        {
            DateTime at;
            var order = -1;
            if (orders.Length > 0 && rng.Chance(0.75))
            {
                order = rng.Next(orders.Length);
                var placed = orders[order].At;
                at = placed.AddSeconds(rng.Between(86400, 20 * 86400));
                if (at >= _now) at = rng.Between(placed.AddMinutes(1), _now);
            }
            else at = rng.Between(firstSeen, _now);
            at = new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            tickets[k] = new TicketPlan(at, order, TicketId((long)index * 4 + k));
        }
        Array.Sort(tickets, (a, b) => a.At.CompareTo(b.At));
        return tickets;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
