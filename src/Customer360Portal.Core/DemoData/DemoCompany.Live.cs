using System.Globalization;
using Customer360Portal.Core.DemoData.Tables;
using static Customer360Portal.Core.DemoData.DemoRandom;

namespace Customer360Portal.Core.DemoData;

// The "feels alive" trickle after Now: existing people keep browsing, opening emails, ordering and asking for help.
public sealed partial class DemoCompany
{
    private enum LiveKind { Browse, EmailOpen, EmailClick, Order, Ticket, ContactUpdate }

    private static readonly int[] LiveKindCumulative = DemoNames.Cumulate([45, 20, 7, 15, 5, 8]);

    /// <summary>
    /// New events for existing people from <paramref name="from"/> (not before <see cref="Now"/>) on, in time order,
    /// endlessly: about <see cref="DemoCompanyOptions.LiveEventsPerHour"/> an hour. Deterministic: each minute after
    /// Now has its own events, so starting later yields exactly the tail of starting earlier.
    /// </summary>
    public IEnumerable<DemoRecord> LiveStream(DateTime from) => LiveStream(from, DateTime.MaxValue);

    /// <summary>The live events in [<paramref name="from"/>, <paramref name="until"/>).</summary>
    public IEnumerable<DemoRecord> LiveStream(DateTime from, DateTime until)
    {
        from = from.Kind == DateTimeKind.Local ? from.ToUniversalTime() : DateTime.SpecifyKind(from, DateTimeKind.Utc);
        until = until.Kind == DateTimeKind.Local ? until.ToUniversalTime() : DateTime.SpecifyKind(until, DateTimeKind.Utc);
        if (from < _now) from = _now;
        return Iterate();

        IEnumerable<DemoRecord> Iterate()
        {
            for (var minute = (from - _now).Ticks / TimeSpan.TicksPerMinute; ; minute++)
            {
                if (_now.Ticks + minute * TimeSpan.TicksPerMinute >= until.Ticks) yield break;
                foreach (var record in LiveMinute(minute))
                {
                    if (record.At < from) continue;
                    if (record.At >= until) yield break;
                    yield return record;
                }
            }
        }
    }

    private DemoRecord[] LiveMinute(long minute)
    {
        var rng = For(_options.Seed, minute, Part.Live);
        var start = _now.AddTicks(minute * TimeSpan.TicksPerMinute);
        // Binomial arrivals around the configured mean (no transcendental functions, so every platform agrees).
        var mean = _options.LiveEventsPerHour / 60.0;
        var trials = Math.Max(8, (int)Math.Ceiling(mean * 2));
        var p = mean / trials;
        var count = 0;
        for (var i = 0; i < trials; i++)
            if (rng.NextDouble() < p) count++;
        count = Math.Min(count, 1000);

        var slice = new SliceContext(live: true);
        for (var e = 0; e < count; e++)
        {
            // Every live event (a page view with its product view, an order with its tracking call) fits in its own
            // minute, so minutes concatenate in time order and any minute can be produced alone.
            var at = Millis(start.AddTicks(rng.NextLong(TimeSpan.TicksPerMinute - 10 * TimeSpan.TicksPerSecond)));
            var person = BuildCore(rng.Next(_options.People));
            var kind = (LiveKind)rng.PickWeighted(LiveKindCumulative);
            var serial = 1_000_000_000L + minute * 1024 + e;
            if (kind is LiveKind.EmailOpen or LiveKind.EmailClick && !person.Subscriber) kind = LiveKind.Browse;
            if (kind is LiveKind.Browse && person.AccountId is null) kind = LiveKind.Order;
            if (kind is LiveKind.ContactUpdate && !person.InCrm) kind = LiveKind.Ticket;

            switch (kind)
            {
                case LiveKind.Browse:
                    BrowseSession(person, NewDevice(rng, person.Devices[rng.Next(person.Devices.Length)]), person.AccountId, at,
                        1, DemoPlaces.Locales[person.Country], rng, slice);
                    break;
                case LiveKind.EmailOpen:
                case LiveKind.EmailClick:
                {
                    var (_, _, _, address) = EmailProfile(person);
                    var campaign = CampaignBefore(at);
                    var opened = kind == LiveKind.EmailOpen;
                    var url = opened ? null
                        : $"{DemoCatalog.SiteUrl}/p/{campaign.Featured.Slug}?utm_source=email&utm_medium=newsletter&utm_campaign={campaign.Id}";
                    WriteEmailEvent(person, address, opened ? "opened" : "clicked", Seconds(at), campaign, url, rng, slice);
                    break;
                }
                case LiveKind.Order:
                {
                    var order = LiveOrder(person, Seconds(at), serial, rng);
                    WriteOrder(person, order, rng, slice);
                    if (order.UsesAccount)
                    {
                        var device = NewDevice(rng, person.Devices[0]);
                        WriteWebEvent(person.PersonId, "track", device, person.AccountId, at.AddMilliseconds(rng.Between(200, 4000)),
                            DemoPlaces.Locales[person.Country], rng, slice, evt: "Order Completed", properties: w =>
                            {
                                w.WriteString("orderId", order.Number);
                                w.WriteNumber("total", order.Total);
                                w.WriteString("currency", person.Currency);
                                w.WriteNumber("products", order.Lines.Length);
                            });
                    }
                    break;
                }
                case LiveKind.Ticket:
                {
                    var subject = person.Orders.Length > 0 && rng.Chance(0.6)
                        ? string.Format(CultureInfo.InvariantCulture, rng.Pick(DemoCatalog.TicketSubjectsAboutOrder), person.Orders[^1].Number)
                        : string.Format(CultureInfo.InvariantCulture, rng.Pick(DemoCatalog.TicketSubjectsGeneral), DemoCatalog.PickProduct(rng).Name);
                    WriteTicket(person, TicketId(serial), Seconds(at), subject, Seconds(at), rng, slice);
                    break;
                }
                default:
                    WriteContact(person, 0, ContactCreated(person, For(_options.Seed, person.Index, Part.Crm)), Seconds(at), rng, slice);
                    break;
            }
        }
        return slice.Sorted();
    }

    private OrderPlan LiveOrder(PersonCore person, DateTime at, long serial, DemoRandom rng)
    {
        var lines = new OrderLine[1 + rng.PickWeighted(LineCountCumulative)];
        var subtotal = 0m;
        for (var l = 0; l < lines.Length; l++)
        {
            var product = DemoCatalog.PickProductIndex(rng);
            var quantity = rng.Chance(0.85) ? 1 : 2;
            lines[l] = new OrderLine(product, quantity);
            subtotal += DemoCatalog.Products[product].PriceIn(person.Country) * quantity;
        }
        var (charge, freeFrom) = DemoCatalog.Delivery(person.Country);
        var channel = rng.Chance(0.8) ? "web" : "app";
        var usesAccount = person.AccountId is not null && rng.Chance(0.85);
        return new OrderPlan(at, OrderNumber(serial), "placed", channel, usesAccount,
            person.AlternateEmail is not null && rng.Chance(0.4), person.Address, lines, subtotal, subtotal >= freeFrom ? 0m : charge);
    }

    /// <summary>The weekly campaign most recently sent before <paramref name="at"/>, continuing the history's series.</summary>
    private Campaign CampaignBefore(DateTime at)
    {
        if (_campaigns.Length > 0 && at < _campaigns[^1].SentAt.AddDays(7)) return _campaigns[^1];
        var first = _start.Date.AddDays(3).AddHours(8);
        var week = (int)((at - first).Ticks / TimeSpan.TicksPerDay / 7);
        var sent = DateTime.SpecifyKind(first.AddDays(week * 7), DateTimeKind.Utc);
        var names = CampaignNames[sent.Month - 1];
        var name = names[Math.Min((sent.Day - 1) / 7, names.Length - 1)];
        var id = $"cmp-{ISOWeek.GetYear(sent)}-w{ISOWeek.GetWeekOfYear(sent):D2}";
        var featured = DemoCatalog.Products[(int)(Hash(_options.Seed, week, 0xCA) % (ulong)DemoCatalog.Products.Length)];
        return new Campaign(id, name, sent, featured);
    }
}
