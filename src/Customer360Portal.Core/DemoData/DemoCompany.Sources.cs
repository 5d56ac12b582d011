using System.Globalization;
using System.Text.Json;
using Customer360Portal.Core.DemoData.Tables;
using Customer360Portal.Core.Ingestion;
using static Customer360Portal.Core.DemoData.DemoRandom;

namespace Customer360Portal.Core.DemoData;

// How each source sees a person, written as the JSON of RecordFormats.md.
public sealed partial class DemoCompany
{
    private readonly record struct Pending(DateTime At, int Seq, DemoRecord Record);

    /// <summary>The records being built for one person slice (or one live minute), with the buffer they are written with.</summary>
    private sealed class SliceContext(bool live = false)
    {
        public PayloadWriter Writer { get; } = new();
        public List<Pending> Records { get; } = new(96);
        /// <summary>Live events happen after Now; history stops there.</summary>
        public bool Live { get; } = live;

        public DemoRecord[] Sorted()
        {
            Records.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Seq.CompareTo(b.Seq));
            var result = new DemoRecord[Records.Count];
            for (var i = 0; i < result.Length; i++) result[i] = Records[i].Record;
            return result;
        }
    }

    private DemoRecord[] BuildRecords(PersonCore p, SourceMask mask)
    {
        var slice = new SliceContext();
        if ((mask & SourceMask.Crm) != 0) Crm(p, slice);
        if ((mask & SourceMask.Shop) != 0) Shop(p, slice);
        if ((mask & SourceMask.Helpdesk) != 0) Helpdesk(p, slice);
        if ((mask & SourceMask.Email) != 0) EmailPlatform(p, slice);
        if ((mask & SourceMask.Web) != 0)
        {
            Web(p, slice);
            AnonymousVisitor(p.Index, slice);
        }
        return slice.Sorted();
    }

    private static void Add(SliceContext slice, string source, string kind, string? personId, DateTime at, string? externalId,
        byte[] payload, Fault fault, string? faultField)
    {
        var record = new DemoRecord(source, kind, personId, payload, at)
        {
            ExternalId = externalId,
            ExpectedInvalid = fault != Fault.None,
            InvalidReason = fault == Fault.None ? null : PayloadWriter.Reason(fault, faultField),
        };
        slice.Records.Add(new Pending(at, slice.Records.Count, record));
    }

    private Fault PickFault(DemoRandom rng, Fault[] faults) => rng.Chance(_options.MalformedRate) ? rng.Pick(faults) : Fault.None;

    private DateTime Future(DemoRandom rng) => _now.AddDays(3 * 365 + rng.Between(0, 365)).AddSeconds(rng.Between(0, 86399));

    private static DateTime Seconds(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static DateTime Millis(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    private static void WriteTime(Utf8JsonWriter w, string name, DateTime at, Fault fault, DateTime future)
    {
        switch (fault)
        {
            case Fault.MissingTime: return;
            case Fault.WrongType: w.WriteNumber(name, new DateTimeOffset(at).ToUnixTimeSeconds()); return;
            case Fault.FutureTime: w.WriteString(name, future); return;
            default: w.WriteString(name, at); return;
        }
    }

    /// <summary>An address object as RecordFormats.md has it; an empty postcode is left out (not known).</summary>
    internal static void WriteAddress(Utf8JsonWriter w, string name, DemoAddress a)
    {
        w.WriteStartObject(name);
        w.WriteString("line1", a.Line1);
        w.WriteString("city", a.City);
        if (a.Postcode.Length > 0) w.WriteString("postcode", a.Postcode);
        w.WriteString("country", a.Country);
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- CRM: contact

    private static readonly Fault[] ContactFaults =
        [Fault.MissingId, Fault.MissingTime, Fault.NoIdentity, Fault.WrongType, Fault.BadEmail, Fault.FutureTime, Fault.ControlChars, Fault.Truncated];

    private static readonly string[] Tiers = ["bronze", "bronze", "silver", "silver", "gold", "platinum"];
    private static readonly string[] Acquisition = ["web", "web", "web", "store", "phone", "event", "referral"];

    private void Crm(PersonCore p, SliceContext slice)
    {
        if (!p.InCrm) return;
        var rng = For(_options.Seed, p.Index, Part.Crm);
        for (var copy = 0; copy < p.ContactIds.Length; copy++)
        {
            // A duplicate is a second contact somebody created later, from a form or a call, without the account.
            var created = copy == 1 ? Seconds(rng.Between(p.FirstSeen, _now)) : ContactCreated(p, rng);
            var updated = Seconds(rng.Chance(0.3) ? created : rng.Between(created, _now));
            WriteContact(p, copy, created, updated, rng, slice);
        }
    }

    /// <summary>When the CRM created the person's contact: the first draw of their CRM stream, so live updates agree.</summary>
    private static DateTime ContactCreated(PersonCore p, DemoRandom crmStream) => Seconds(p.FirstSeen.AddSeconds(-crmStream.Between(0, 3600)));

    private void WriteContact(PersonCore p, int copy, DateTime created, DateTime updated, DemoRandom rng, SliceContext slice)
    {
        var duplicate = copy == 1;
        var (firstName, lastName) = _noise.Name(rng, p, formalSource: !duplicate);
        string? first = firstName, last = lastName;
        var email = rng.Chance(_options.MissingEmailRate) ? null
            : _noise.Email(rng, duplicate ? p.AlternateEmail ?? p.Email : p.Email, typed: duplicate);
        DateOnly? dob = rng.Chance(duplicate ? 0.2 : 0.7) ? p.DateOfBirth : null;
        var home = duplicate && p.PreviousAddress is not null ? p.PreviousAddress : p.Address;
        var address = rng.Chance(0.95) ? _noise.Address(rng, home, p.Country) : null;
        var phone = p.Phone is not null && rng.Chance(0.9) ? _noise.Phone(rng, p, hasCountryContext: address is not null) : null;
        var accountId = duplicate ? null : p.AccountId;
        var loyalty = duplicate ? null : p.LoyaltyNumber;
        var tier = rng.Pick(Tiers);
        var acquisition = rng.Pick(Acquisition);

        var id = p.ContactIds[copy];
        var fault = PickFault(rng, ContactFaults);
        string? field = fault switch
        {
            Fault.MissingId => "id",
            Fault.MissingTime or Fault.WrongType => "updatedAt",
            _ => null,
        };
        if (fault == Fault.BadEmail)
        {
            // Only the broken email says who it is, so no lenient reading can keep the record.
            email = PayloadWriter.BreakEmail(email ?? p.Email, rng);
            first = last = phone = accountId = loyalty = null;
        }
        if (fault == Fault.ControlChars) id = PayloadWriter.WithControlChar(id, rng);
        var future = fault == Fault.FutureTime ? Future(rng) : default;

        var w = slice.Writer.Begin();
        if (fault != Fault.MissingId) w.WriteString("id", id);
        WriteTime(w, "updatedAt", updated, fault, future);
        w.WriteString("createdAt", created);
        if (fault != Fault.NoIdentity)
        {
            if (accountId is not null) w.WriteString("accountId", accountId);
            if (loyalty is not null) w.WriteString("loyaltyNumber", loyalty);
            if (first is not null) w.WriteString("firstName", first);
            if (last is not null) w.WriteString("lastName", last);
            if (email is not null) w.WriteString("email", email);
            if (phone is not null) w.WriteString("phone", phone);
        }
        if (dob is { } d) w.WriteString("dateOfBirth", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (address is not null) WriteAddress(w, "address", address);
        w.WriteStartObject("traits");
        w.WriteString("tier", tier);
        w.WriteString("acquisitionChannel", acquisition);
        w.WriteBoolean("newsletter", p.Subscriber && !duplicate);
        if (!duplicate && rng.Chance(0.4)) w.WriteNumber("storeVisits", rng.Between(0, 12));
        w.WriteEndObject();
        if (!duplicate && fault == Fault.None) WriteCrmConsent(w, p, created);
        Add(slice, DemoSources.Crm.Key, RecordKinds.Contact, p.PersonId, updated, fault == Fault.MissingId ? null : id,
            slice.Writer.End(fault), fault, field);
    }

    /// <summary>
    /// The CRM's consent object: email marketing as the person signed up for the newsletter (or declined it), and
    /// SMS, post and personalisation choices from the sign-up form. Drawn from a stream of its own so the rest of the
    /// contact stays as it was.
    /// </summary>
    private void WriteCrmConsent(Utf8JsonWriter w, PersonCore p, DateTime created)
    {
        var rng = For(_options.Seed, p.Index, Part.Consent);
        var at = created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        w.WriteStartObject("consent");
        w.WriteStartObject("emailMarketing");
        w.WriteString("status", p.Subscriber ? "granted" : "denied");
        w.WriteString("at", p.Subscriber && p.SubscribedAt < _now ? p.SubscribedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : at);
        w.WriteString("evidence", p.Subscriber ? "form=newsletter signup; text=v3" : "form=account signup; text=v3");
        w.WriteEndObject();
        if (p.Phone is not null) w.WriteString("smsMarketing", rng.Chance(0.3) ? "granted" : "denied");
        w.WriteBoolean("postMarketing", rng.Chance(0.4));
        w.WriteBoolean("personalisation", rng.Chance(0.7));
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- shop: order

    private static readonly Fault[] OrderFaults =
    [
        Fault.MissingId, Fault.MissingTime, Fault.MissingRequired, Fault.NoIdentity, Fault.WrongType, Fault.NegativeTotal,
        Fault.BadEmail, Fault.FutureTime, Fault.ControlChars, Fault.BadValue, Fault.Truncated,
    ];

    private void Shop(PersonCore p, SliceContext slice)
    {
        if (p.Orders.Length == 0) return;
        var rng = For(_options.Seed, p.Index, Part.Shop);
        for (var k = 0; k < p.Orders.Length; k++) WriteOrder(p, p.Orders[k], rng, slice);
    }

    private void WriteOrder(PersonCore p, OrderPlan order, DemoRandom rng, SliceContext slice)
    {
        var accountId = order.UsesAccount ? p.AccountId : null;
        var email = order.UsesAccount && rng.Chance(_options.MissingEmailRate * 2.5) ? null
            : _noise.Email(rng, order.UsesAlternateEmail ? p.AlternateEmail! : p.Email, typed: !order.UsesAccount);
        var phone = p.Phone is not null && rng.Chance(order.Channel == "phone" ? 0.9 : 0.35) ? _noise.Phone(rng, p, hasCountryContext: true) : null;
        var (first, last) = _noise.Name(rng, p, formalSource: false);
        var shipTo = _noise.Address(rng, order.ShipTo, p.Country);
        var number = order.Number;
        var total = order.Total;

        var fault = PickFault(rng, OrderFaults);
        string? field = fault switch
        {
            Fault.MissingId => "orderNumber",
            Fault.MissingTime => "placedAt",
            Fault.MissingRequired or Fault.WrongType => "total",
            Fault.BadValue => "currency",
            _ => null,
        };
        if (fault == Fault.BadEmail)
        {
            email = PayloadWriter.BreakEmail(email ?? p.Email, rng);
            accountId = phone = null;
        }
        if (fault == Fault.ControlChars) number = PayloadWriter.WithControlChar(number, rng);
        var future = fault == Fault.FutureTime ? Future(rng) : default;

        var w = slice.Writer.Begin();
        if (fault != Fault.MissingId) w.WriteString("orderNumber", number);
        WriteTime(w, "placedAt", order.At, fault, future);
        w.WriteString("status", order.Status);
        w.WriteString("channel", order.Channel);
        w.WriteString("currency", fault == Fault.BadValue ? rng.Pick(BadCurrencies) : p.Currency);
        switch (fault)
        {
            case Fault.MissingRequired: break;
            case Fault.WrongType: w.WriteString("total", "tbc"); break;
            case Fault.NegativeTotal: w.WriteNumber("total", -total); break;
            default:
                if (rng.Chance(0.2)) w.WriteString("total", total.ToString("0.00", CultureInfo.InvariantCulture));
                else w.WriteNumber("total", total);
                break;
        }
        w.WriteNumber("deliveryCharge", order.Delivery);
        if (fault != Fault.NoIdentity)
        {
            if (accountId is not null) w.WriteString("accountId", accountId);
            if (email is not null) w.WriteString("email", email);
            if (phone is not null) w.WriteString("phone", phone);
        }
        w.WriteString("firstName", first);
        w.WriteString("lastName", last);
        w.WriteStartArray("lines");
        foreach (var line in order.Lines)
        {
            var product = DemoCatalog.Products[line.Product];
            w.WriteStartObject();
            w.WriteString("sku", product.Sku);
            w.WriteString("name", product.Name);
            w.WriteString("category", product.Category);
            w.WriteNumber("quantity", line.Quantity);
            w.WriteNumber("unitPrice", product.PriceIn(p.Country));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteAddress(w, "shippingAddress", shipTo);
        Add(slice, DemoSources.Shop.Key, RecordKinds.Order, p.PersonId, order.At, fault == Fault.MissingId ? null : number,
            slice.Writer.End(fault), fault, field);
    }

    private static readonly string[] BadCurrencies = ["POUNDS", "£", "EURO", "US$", "XYZ1"];

    // ---------------------------------------------------------------- help desk: ticket

    private static readonly Fault[] TicketFaults =
    [
        Fault.MissingId, Fault.MissingTime, Fault.MissingRequired, Fault.NoIdentity, Fault.WrongType, Fault.BadEmail,
        Fault.FutureTime, Fault.ControlChars, Fault.Truncated,
    ];

    private static readonly int[] TicketChannelCumulative = DemoNames.Cumulate([50, 20, 18, 12]);
    private static readonly string[] TicketChannels = ["email", "web", "chat", "phone"];
    private static readonly int[] PriorityCumulative = DemoNames.Cumulate([12, 70, 15, 3]);
    private static readonly string[] Priorities = ["low", "normal", "high", "urgent"];

    private void Helpdesk(PersonCore p, SliceContext slice)
    {
        if (p.Tickets.Length == 0) return;
        var rng = For(_options.Seed, p.Index, Part.Helpdesk);
        foreach (var ticket in p.Tickets)
        {
            var subject = ticket.Order >= 0
                ? string.Format(CultureInfo.InvariantCulture, rng.Pick(DemoCatalog.TicketSubjectsAboutOrder), p.Orders[ticket.Order].Number)
                : string.Format(CultureInfo.InvariantCulture, rng.Pick(DemoCatalog.TicketSubjectsGeneral), DemoCatalog.PickProduct(rng).Name);
            WriteTicket(p, ticket.Id, ticket.At, subject, _now, rng, slice);
        }
    }

    /// <summary>A ticket as the help desk shows it at <paramref name="asOf"/> (status and last update depend on its age).</summary>
    private void WriteTicket(PersonCore p, string ticketId, DateTime created, string subject, DateTime asOf, DemoRandom rng, SliceContext slice)
    {
        var channel = TicketChannels[rng.PickWeighted(TicketChannelCumulative)];
        var age = asOf - created;
        var status = age.TotalDays < 2 ? (rng.Chance(0.6) ? "open" : "pending") : rng.Chance(0.6) ? "solved" : "closed";
        if (age.TotalDays >= 2 && rng.Chance(0.05)) status = "pending";
        var updated = Seconds(status is "open" ? created : Min(created.AddSeconds(rng.Between(600, 6 * 86400)), asOf));
        if (updated < created) updated = created;
        var priority = Priorities[rng.PickWeighted(PriorityCumulative)];
        var usePhone = p.Phone is not null && (channel == "phone" ? rng.Chance(0.9) : rng.Chance(0.2));
        string? email = channel == "phone" && usePhone && rng.Chance(0.5) ? null
            : _noise.Email(rng, p.AlternateEmail is not null && rng.Chance(0.3) ? p.AlternateEmail : p.Email, typed: channel is "phone" or "chat");
        var phone = usePhone ? _noise.Phone(rng, p, hasCountryContext: false) : null;
        var (first, last) = _noise.Name(rng, p, formalSource: false);
        var name = rng.Chance(0.15) ? first.Trim() : $"{first.Trim()} {last.Trim()}";
        object? satisfaction = status is "solved" or "closed" && rng.Chance(0.4)
            ? rng.Chance(0.5) ? (rng.Chance(0.85) ? "good" : "bad") : rng.Between(1, 5)
            : null;

        var fault = PickFault(rng, TicketFaults);
        string? field = fault switch
        {
            Fault.MissingId => "ticketId",
            Fault.MissingTime or Fault.WrongType => "createdAt",
            Fault.MissingRequired => "subject",
            _ => null,
        };
        if (fault == Fault.BadEmail)
        {
            email = PayloadWriter.BreakEmail(email ?? p.Email, rng);
            phone = null;
        }
        if (fault == Fault.ControlChars) subject = PayloadWriter.WithControlChar(subject, rng);
        var future = fault == Fault.FutureTime ? Future(rng) : default;

        var w = slice.Writer.Begin();
        if (fault != Fault.MissingId) w.WriteString("ticketId", ticketId);
        WriteTime(w, "createdAt", created, fault, future);
        w.WriteString("updatedAt", updated);
        if (fault != Fault.MissingRequired) w.WriteString("subject", subject);
        w.WriteString("status", status);
        w.WriteString("priority", priority);
        w.WriteString("channel", channel);
        if (fault != Fault.NoIdentity)
        {
            if (email is not null) w.WriteString("email", email);
            if (phone is not null) w.WriteString("phone", phone);
        }
        w.WriteString("name", name);
        if (satisfaction is string s) w.WriteString("satisfaction", s);
        else if (satisfaction is int n) w.WriteNumber("satisfaction", n);
        Add(slice, DemoSources.HelpDesk.Key, RecordKinds.Ticket, p.PersonId, created, fault == Fault.MissingId ? null : ticketId,
            slice.Writer.End(fault), fault, field);
    }

    // ---------------------------------------------------------------- email platform: email_event

    private static readonly Fault[] EmailFaults =
    [
        Fault.MissingId, Fault.MissingTime, Fault.NoIdentity, Fault.BadEmail, Fault.BadValue, Fault.WrongType,
        Fault.FutureTime, Fault.ControlChars, Fault.Truncated,
    ];

    private static readonly double[] OpenRates = [0.08, 0.25, 0.45, 0.7];
    private static readonly int[] OpenRateCumulative = DemoNames.Cumulate([25, 35, 28, 12]);
    private static readonly string[] BadEmailTypes = ["openned", "click", "Bounce", "read", "delivered_ok"];

    private const double CampaignReach = 0.35, BounceRate = 0.012, UnsubscribeRate = 0.004, ComplaintRate = 0.0005, ReopenRate = 0.12;

    private void EmailPlatform(PersonCore p, SliceContext slice)
    {
        if (!p.Subscriber) return;
        var (rng, openRate, clickRate, address) = EmailProfile(p);
        foreach (var campaign in _campaigns)
        {
            if (campaign.SentAt < p.SubscribedAt || !rng.Chance(CampaignReach)) continue;
            var sent = Seconds(campaign.SentAt.AddSeconds(rng.Between(0, 5400)));
            if (sent >= _now) break;
            WriteEmailEvent(p, address, "sent", sent, campaign, null, rng, slice);
            if (rng.Chance(BounceRate))
            {
                WriteEmailEvent(p, address, "bounced", sent.AddSeconds(rng.Between(2, 300)), campaign, null, rng, slice);
                break; // a hard bounce ends the mailing
            }
            var delivered = sent.AddSeconds(rng.Between(1, 90));
            WriteEmailEvent(p, address, "delivered", delivered, campaign, null, rng, slice);
            if (rng.Chance(openRate))
            {
                var opened = delivered.AddSeconds(OpenDelay(rng));
                WriteEmailEvent(p, address, "opened", opened, campaign, null, rng, slice);
                if (rng.Chance(ReopenRate)) WriteEmailEvent(p, address, "opened", opened.AddSeconds(OpenDelay(rng)), campaign, null, rng, slice);
                if (rng.Chance(clickRate))
                {
                    var product = rng.Chance(0.6) ? campaign.Featured : DemoCatalog.PickProduct(rng);
                    var url = $"{DemoCatalog.SiteUrl}/p/{product.Slug}?utm_source=email&utm_medium=newsletter&utm_campaign={campaign.Id}";
                    WriteEmailEvent(p, address, "clicked", opened.AddSeconds(rng.Between(5, 900)), campaign, url, rng, slice);
                }
            }
            if (rng.Chance(UnsubscribeRate))
            {
                WriteEmailEvent(p, address, "unsubscribed", delivered.AddSeconds(OpenDelay(rng)), campaign, null, rng, slice);
                break;
            }
            if (rng.Chance(ComplaintRate))
            {
                WriteEmailEvent(p, address, "complained", delivered.AddSeconds(OpenDelay(rng)), campaign, null, rng, slice);
                break;
            }
        }
    }

    /// <summary>How the platform holds a subscriber: the address as they signed up (case and all) and how keen they are.</summary>
    private (DemoRandom Rng, double OpenRate, double ClickRate, string Address) EmailProfile(PersonCore p)
    {
        var rng = For(_options.Seed, p.Index, Part.Email);
        var openRate = OpenRates[rng.PickWeighted(OpenRateCumulative)];
        var clickRate = 0.1 + rng.Next(20) / 100.0;
        var address = _noise.Email(rng, p.Email, typed: false).Trim();
        return (rng, openRate, clickRate, address);
    }

    private static int OpenDelay(DemoRandom rng) => rng.Next(100) switch
    {
        < 40 => rng.Between(30, 2 * 3600),
        < 75 => rng.Between(2 * 3600, 24 * 3600),
        < 95 => rng.Between(86400, 4 * 86400),
        _ => rng.Between(4 * 86400, 14 * 86400),
    };

    private void WriteEmailEvent(PersonCore? p, string address, string type, DateTime at, Campaign campaign, string? url,
        DemoRandom rng, SliceContext slice)
    {
        if (at >= _now && !slice.Live) return; // the history ends at Now
        var eventId = "ev_" + rng.Hex(24);
        var fault = PickFault(rng, EmailFaults);
        string? field = fault switch
        {
            Fault.MissingId => "eventId",
            Fault.MissingTime or Fault.WrongType => "occurredAt",
            Fault.BadValue => "type",
            _ => null,
        };
        var email = fault == Fault.BadEmail ? PayloadWriter.BreakEmail(address, rng) : address;
        var id = fault == Fault.ControlChars ? PayloadWriter.WithControlChar(eventId, rng) : eventId;
        var future = fault == Fault.FutureTime ? Future(rng) : default;

        var w = slice.Writer.Begin();
        if (fault != Fault.MissingId) w.WriteString("eventId", id);
        if (fault != Fault.NoIdentity) w.WriteString("email", email);
        w.WriteString("type", fault == Fault.BadValue ? rng.Pick(BadEmailTypes) : type);
        WriteTime(w, "occurredAt", at, fault, future);
        w.WriteString("campaignId", campaign.Id);
        w.WriteString("campaignName", campaign.Name);
        if (url is not null) w.WriteString("url", url);
        Add(slice, DemoSources.Email.Key, RecordKinds.EmailEvent, p?.PersonId, at, fault == Fault.MissingId ? null : id,
            slice.Writer.End(fault), fault, field);
    }

    // ---------------------------------------------------------------- web analytics: web_event (Segment spec)

    private static readonly Fault[] WebFaults =
    [
        Fault.MissingId, Fault.MissingTime, Fault.NoIdentity, Fault.BadValue, Fault.WrongType, Fault.FutureTime,
        Fault.ControlChars, Fault.Truncated, Fault.MissingRequired,
    ];

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
        "HarbourAndPine/4.2 (iOS 18.0; iPhone)",
        "HarbourAndPine/4.2 (Android 14)",
    ];

    private static readonly int[] SessionCountCumulative = DemoNames.Cumulate([20, 15, 12, 10, 8, 7, 6, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1]);
    private static readonly string[] BadWebTypes = ["pageview", "event", "identity", "view"];

    /// <summary>A browser or app install: its cookie id, address and user agent.</summary>
    private readonly record struct Device(string AnonymousId, string Ip, string UserAgent);

    private static Device NewDevice(DemoRandom rng, string anonymousId)
    {
        var ip = rng.Next(4) switch
        {
            0 => $"192.0.2.{rng.Between(1, 254)}",
            1 => $"198.51.100.{rng.Between(1, 254)}",
            2 => $"203.0.113.{rng.Between(1, 254)}",
            _ => $"2001:db8:{rng.Next(0x10000):x}::{rng.Next(0x10000):x}",
        };
        return new Device(anonymousId, ip, rng.Pick(UserAgents));
    }

    private void Web(PersonCore p, SliceContext slice)
    {
        if (p.AccountId is null) return;
        var rng = For(_options.Seed, p.Index, Part.Web);
        var devices = p.Devices.Select(id => NewDevice(rng, id)).ToArray();
        var locale = DemoPlaces.Locales[p.Country];

        // Browsing anonymously before signing up.
        var presessions = rng.Between(1, 3);
        for (var s = 0; s < presessions; s++)
        {
            var start = Millis(rng.Between(p.FirstSeen.AddDays(-14), p.FirstSeen.AddMinutes(-10)));
            BrowseSession(p, devices[0], null, start, rng.Between(1, 5), locale, rng, slice);
        }

        // Signing up: the cookie meets the account.
        var t = Millis(p.FirstSeen.AddSeconds(-rng.Between(60, 300)));
        WriteWebEvent(p.PersonId, "page", devices[0], null, t, locale, rng, slice, name: "Create Account", path: "/account/register");
        t = Millis(p.FirstSeen);
        WriteWebEvent(p.PersonId, "track", devices[0], p.AccountId, t, locale, rng, slice, evt: "Signed Up",
            properties: w => w.WriteString("method", rng.Chance(0.8) ? "email" : "checkout"));
        WriteIdentify(p, devices[0], t.AddMilliseconds(rng.Between(50, 900)), locale, rng, slice, alias: false);
        WriteConsentBanner(p, devices[0], t, locale, slice);

        // Coming back, sometimes on a new browser: anonymous until they sign in.
        var sessions = 1 + rng.PickWeighted(SessionCountCumulative);
        var seenOn = new bool[devices.Length];
        seenOn[0] = true;
        for (var s = 0; s < sessions; s++)
        {
            var start = Millis(rng.Between(p.FirstSeen.AddHours(1), _now));
            var d = devices.Length == 1 ? 0 : rng.Next(100) < 65 ? 0 : 1 + rng.Next(devices.Length - 1);
            var device = devices[d];
            if (!seenOn[d])
            {
                seenOn[d] = true;
                start = BrowseSession(p, device, null, start, rng.Between(1, 3), locale, rng, slice);
                WriteIdentify(p, device, start.AddSeconds(rng.Between(5, 60)), locale, rng, slice, alias: rng.Chance(0.15));
                start = start.AddSeconds(rng.Between(60, 120));
            }
            BrowseSession(p, device, p.AccountId, start, rng.Between(1, 6), locale, rng, slice);
        }

        // The shop's orders show up in the tracking too.
        foreach (var order in p.Orders)
        {
            if (!order.UsesAccount || order.Channel == "phone") continue;
            var device = devices[rng.Next(devices.Length)];
            WriteWebEvent(p.PersonId, "track", device, p.AccountId, Millis(order.At.AddMilliseconds(rng.Between(200, 4000))), locale, rng, slice,
                evt: "Order Completed", properties: w =>
                {
                    w.WriteString("orderId", order.Number);
                    w.WriteNumber("total", order.Total);
                    w.WriteString("currency", p.Currency);
                    w.WriteNumber("products", order.Lines.Length);
                });
        }
    }

    /// <summary>Visitors who look around and never sign up or sign in: noise with no person behind it that anyone can know.</summary>
    private void AnonymousVisitor(int index, SliceContext slice)
    {
        var rng = For(_options.Seed, index, Part.Anonymous);
        if (!rng.Chance(_options.AnonymousVisitorRate)) return;
        var country = rng.PickWeighted(AnonymousCountryCumulative);
        var device = NewDevice(rng, rng.Uuid());
        var sessions = rng.Between(1, 3);
        for (var s = 0; s < sessions; s++)
            BrowseSession(null, device, null, Millis(rng.Between(_start, _now)), rng.Between(1, 4), DemoPlaces.Locales[country], rng, slice);
    }

    private static readonly int[] AnonymousCountryCumulative = DemoNames.Cumulate([12, 4, 2, 2]);

    /// <summary>A few page and product views a few seconds to minutes apart; returns when the session ended.</summary>
    private DateTime BrowseSession(PersonCore? p, Device device, string? userId, DateTime start, int events, string locale,
        DemoRandom rng, SliceContext slice)
    {
        var t = start;
        for (var e = 0; e < events && (t < _now || slice.Live); e++)
        {
            if (rng.Next(100) < 40)
            {
                var (path, title) = rng.Pick(DemoCatalog.Pages);
                if (rng.Chance(0.4))
                {
                    var category = rng.Pick(DemoCatalog.Categories);
                    path = "/c/" + category.ToLowerInvariant().Replace(' ', '-');
                    title = category;
                }
                WriteWebEvent(p?.PersonId, "page", device, userId, t, locale, rng, slice, name: title, path: path);
            }
            else
            {
                var product = DemoCatalog.PickProduct(rng);
                WriteWebEvent(p?.PersonId, "page", device, userId, t, locale, rng, slice, name: product.Name, path: "/p/" + product.Slug);
                var price = product.PriceIn(p?.Country ?? DemoPlaces.GB);
                var currency = DemoPlaces.Currencies[p?.Country ?? DemoPlaces.GB];
                var evt = rng.Next(100) < 75 ? "Product Viewed" : "Product Added";
                WriteWebEvent(p?.PersonId, "track", device, userId, t.AddMilliseconds(rng.Between(300, 2500)), locale, rng, slice, evt: evt,
                    properties: w =>
                    {
                        w.WriteString("sku", product.Sku);
                        w.WriteString("name", product.Name);
                        w.WriteString("category", product.Category);
                        w.WriteNumber("price", price);
                        w.WriteString("currency", currency);
                    });
            }
            t = t.AddMilliseconds(rng.Between(8_000, 180_000));
        }
        return t;
    }

    private void WriteIdentify(PersonCore p, Device device, DateTime at, string locale, DemoRandom rng, SliceContext slice, bool alias)
    {
        at = Millis(at);
        if (alias)
        {
            WriteWebEvent(p.PersonId, "alias", device, p.AccountId, at, locale, rng, slice, previousId: device.AnonymousId);
            return;
        }
        var (first, last) = _noise.Name(rng, p, formalSource: false);
        var email = rng.Chance(0.9) ? _noise.Email(rng, p.Email, typed: false) : null;
        var phone = p.Phone is not null && rng.Chance(0.3) ? _noise.Phone(rng, p, hasCountryContext: false) : null;
        WriteWebEvent(p.PersonId, "identify", device, p.AccountId, at, locale, rng, slice, traits: w =>
        {
            if (email is not null) w.WriteString("email", email);
            w.WriteString("firstName", first);
            w.WriteString("lastName", last);
            if (phone is not null) w.WriteString("phone", phone);
            w.WriteString("country", p.CountryCode);
        });
    }

    /// <summary>
    /// The cookie banner after sign-up: Segment's "Segment Consent Preference Updated" with the categories the person
    /// chose in <c>context.consent.categoryPreferences</c>. Its own random stream, so the rest of the session stays as it was.
    /// </summary>
    private void WriteConsentBanner(PersonCore p, Device device, DateTime signedUp, string locale, SliceContext slice)
    {
        var rng = For(_options.Seed, p.Index, Part.ConsentBanner);
        var advertising = rng.Chance(0.45);
        var analytics = rng.Chance(0.75);
        var sharing = rng.Chance(0.2);
        WriteWebEvent(p.PersonId, "track", device, p.AccountId, Millis(signedUp.AddSeconds(rng.Between(2, 40))), locale, rng, slice,
            evt: "Segment Consent Preference Updated", consent: w =>
            {
                w.WriteStartObject("categoryPreferences");
                w.WriteBoolean("Advertising", advertising);
                w.WriteBoolean("Analytics", analytics);
                w.WriteBoolean("Functional", true);
                w.WriteBoolean("DataSharing", sharing);
                w.WriteEndObject();
            });
    }

    private void WriteWebEvent(string? personId, string type, Device device, string? userId, DateTime at, string locale,
        DemoRandom rng, SliceContext slice, string? name = null, string? path = null, string? evt = null, string? previousId = null,
        Action<Utf8JsonWriter>? properties = null, Action<Utf8JsonWriter>? traits = null, Action<Utf8JsonWriter>? consent = null)
    {
        if (at >= _now && !slice.Live) return;
        var messageId = "ajs-" + rng.Uuid();
        var fault = PickFault(rng, WebFaults);
        if (fault == Fault.MissingRequired && type != "track") fault = Fault.BadValue;
        string? field = fault switch
        {
            Fault.MissingId => "messageId",
            Fault.MissingTime or Fault.WrongType => "timestamp",
            Fault.BadValue => "type",
            Fault.MissingRequired => "event",
            _ => null,
        };
        var id = fault == Fault.ControlChars ? PayloadWriter.WithControlChar(messageId, rng) : messageId;
        var future = fault == Fault.FutureTime ? Future(rng) : default;

        var w = slice.Writer.Begin();
        if (fault != Fault.MissingId) w.WriteString("messageId", id);
        w.WriteString("type", fault == Fault.BadValue ? rng.Pick(BadWebTypes) : type);
        WriteTime(w, "timestamp", at, fault, future);
        if (fault != Fault.NoIdentity)
        {
            // Alias calls name the old id in previousId; everything else carries the cookie.
            if (type != "alias") w.WriteString("anonymousId", device.AnonymousId);
            if (userId is not null) w.WriteString("userId", userId);
        }
        if (evt is not null && fault != Fault.MissingRequired) w.WriteString("event", evt);
        if (name is not null) w.WriteString("name", name);
        if (previousId is not null) w.WriteString("previousId", previousId);
        if (traits is not null)
        {
            w.WriteStartObject("traits");
            traits(w);
            w.WriteEndObject();
        }
        if (path is not null || properties is not null)
        {
            w.WriteStartObject("properties");
            if (path is not null)
            {
                w.WriteString("path", path);
                w.WriteString("url", DemoCatalog.SiteUrl + path);
                if (name is not null) w.WriteString("title", name + " | " + DemoCatalog.CompanyName);
            }
            properties?.Invoke(w);
            w.WriteEndObject();
        }
        w.WriteStartObject("context");
        w.WriteString("ip", device.Ip);
        w.WriteString("locale", locale);
        w.WriteString("userAgent", device.UserAgent);
        if (consent is not null)
        {
            w.WriteStartObject("consent");
            consent(w);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        Add(slice, DemoSources.Web.Key, RecordKinds.WebEvent, personId, at, fault == Fault.MissingId ? null : id,
            slice.Writer.End(fault), fault, field);
    }
}
