using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Customer360Portal.Core.DemoData.Tables;

namespace Customer360Portal.Core.DemoData;

/// <summary>
/// A believable, entirely fictional customer base for Harbour &amp; Pine, a home and garden retailer, seen through
/// five sources (CRM, shop, help desk, email platform, web analytics) the way real sources see people: partly,
/// late, with nicknames, typos, other phone styles, shared households, duplicates and the odd broken record.
/// </summary>
/// <remarks>
/// <para>Deterministic: the same options (seed and size included) give byte-identical output, on any machine.
/// Person <c>i</c> is drawn from streams seeded by (seed, i), so any slice can be produced alone with
/// <see cref="Person"/> and a million people can be streamed without holding them in memory. A person's data does not
/// depend on <see cref="DemoCompanyOptions.People"/>, except in the last block of 20, where a household partner may
/// fall outside the company.</para>
/// <para>Truth: every record names its person (<see cref="DemoRecord.PersonId"/>), so resolution can be scored;
/// <see cref="DemoPerson"/> holds who they really are. Deliberately malformed records (about 2%) are marked
/// <see cref="DemoRecord.ExpectedInvalid"/> with a reason; everything else normalises cleanly.</para>
/// <para>Safe: names and streets are common ones, emails use the reserved example.com/.net/.org and *.example
/// domains, phones come only from ranges kept for drama, IP addresses from the documentation ranges.</para>
/// <para>Thread-safe: instances are immutable; slices can be built in parallel.</para>
/// </remarks>
public sealed partial class DemoCompany
{
    private readonly DemoCompanyOptions _options;
    private readonly Noise _noise;
    private readonly DateTime _now;
    private readonly DateTime _start;
    private readonly Campaign[] _campaigns;
    private readonly double _orderIfAccount, _orderIfNoAccount, _ticketIfOrders, _ticketIfNoOrders;
    private readonly int _emailNumberOffset;

    public DemoCompany() : this(new DemoCompanyOptions()) { }

    public DemoCompany(DemoCompanyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _options = options;
        _noise = new Noise(options);
        _now = options.Now.Kind == DateTimeKind.Local ? options.Now.ToUniversalTime() : DateTime.SpecifyKind(options.Now, DateTimeKind.Utc);
        _start = _now.AddDays(-options.HistoryDays);
        _campaigns = BuildCampaigns();

        // Split the shares so that account holders order more and customers raise more tickets, keeping the totals.
        _orderIfAccount = Math.Min(1.0, options.OrderShare * 1.2);
        _orderIfNoAccount = options.AccountShare < 1
            ? Math.Clamp((options.OrderShare - options.AccountShare * _orderIfAccount) / (1 - options.AccountShare), 0, 1)
            : 0;
        _ticketIfOrders = options.OrderShare > 0 ? Math.Min(1.0, options.TicketShare / options.OrderShare * 0.9) : 0;
        _ticketIfNoOrders = options.OrderShare < 1
            ? Math.Clamp((options.TicketShare - options.OrderShare * _ticketIfOrders) / (1 - options.OrderShare), 0, 1)
            : 0;
        _emailNumberOffset = 1 + options.Seed % 37;
    }

    public DemoCompanyOptions Options => _options;

    /// <summary>How many people the company has.</summary>
    public int PeopleCount => _options.People;

    /// <summary>The end of the history (UTC).</summary>
    public DateTime Now => _now;

    /// <summary>The stable id of the person at <paramref name="index"/>: "P000124" for index 123.</summary>
    public static string PersonIdOf(int index) => "P" + (index + 1).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Person <paramref name="index"/> with the records of their slice, in time order.</summary>
    public DemoPerson Person(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _options.People);
        var core = BuildCore(index);
        var records = BuildRecords(core, SourceMask.All);
        return new DemoPerson
        {
            Index = index,
            PersonId = core.PersonId,
            GivenName = core.Given,
            Nickname = core.Nickname,
            FamilyName = core.Family,
            DateOfBirth = core.DateOfBirth,
            Email = core.Email,
            AlternateEmail = core.AlternateEmail,
            Phone = core.Phone?.E164,
            AccountId = core.AccountId,
            LoyaltyNumber = core.LoyaltyNumber,
            Address = core.Address,
            PreviousAddress = core.PreviousAddress,
            HouseholdPartnerId = core.PartnerIndex is { } p ? PersonIdOf(p) : null,
            SharesNameWithPersonId = core.SameNameAsIndex is { } s ? PersonIdOf(s) : null,
            AnonymousIds = core.Devices,
            CrmContactIds = core.ContactIds,
            FirstSeen = core.FirstSeen,
            EmailSubscriber = core.Subscriber,
            Records = records,
        };
    }

    /// <summary>Every person, one slice at a time (lazily).</summary>
    public IEnumerable<DemoPerson> People()
    {
        for (var i = 0; i < _options.People; i++) yield return Person(i);
    }

    /// <summary>Every record of every source: person slice after person slice, each in time order.</summary>
    public IEnumerable<DemoRecord> Records() => Records(SourceMask.All);

    /// <summary>The records one source sends (crm, shop, helpdesk, email, web), in the same order as <see cref="Records()"/>.</summary>
    public IEnumerable<DemoRecord> RecordsFor(string sourceKey) => Records(sourceKey switch
    {
        "crm" => SourceMask.Crm,
        "shop" => SourceMask.Shop,
        "helpdesk" => SourceMask.Helpdesk,
        "email" => SourceMask.Email,
        "web" => SourceMask.Web,
        _ => throw new ArgumentOutOfRangeException(nameof(sourceKey), sourceKey, "Not a demo source: crm, shop, helpdesk, email or web."),
    });

    /// <summary>The records of the slices [<paramref name="from"/>, <paramref name="to"/>), for parallel or partial runs.</summary>
    public IEnumerable<DemoRecord> Records(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, _options.People);
        for (var i = from; i < to; i++)
            foreach (var record in BuildRecords(BuildCore(i), SourceMask.All))
                yield return record;
    }

    private IEnumerable<DemoRecord> Records(SourceMask mask)
    {
        for (var i = 0; i < _options.People; i++)
            foreach (var record in BuildRecords(BuildCore(i), mask))
                yield return record;
    }

    [Flags]
    internal enum SourceMask
    {
        Crm = 1, Shop = 2, Helpdesk = 4, Email = 8, Web = 16,
        All = Crm | Shop | Helpdesk | Email | Web,
    }

    internal sealed record Campaign(string Id, string Name, DateTime SentAt, DemoCatalog.Product Featured);

    private static readonly string[][] CampaignNames =
    [
        ["January Sale", "New Year, Calm Home", "January Sale: Last Chance", "Weekly Favourites"],
        ["Valentine's Gifts", "Cosy February Edit", "New In: Bedding", "Weekly Favourites"],
        ["Spring Garden Edit", "Mother's Day Gifts", "New In: Tableware", "Weekly Favourites"],
        ["Easter Table", "Outdoor Living Preview", "Spring Clean", "Weekly Favourites"],
        ["Outdoor Living", "Bank Holiday Offers", "Grow Your Own", "Weekly Favourites"],
        ["Summer Hosting", "Father's Day Gifts", "Garden Party", "Weekly Favourites"],
        ["Summer Sale", "Picnic Season", "Summer Sale: More Reductions", "Weekly Favourites"],
        ["Summer Sale: Final Reductions", "Back to School", "Late Summer Evenings", "Weekly Favourites"],
        ["Autumn Home Refresh", "New In: Lighting", "Members' Early Access", "Weekly Favourites"],
        ["Candle Season", "Halloween at Home", "The Autumn Table", "Weekly Favourites"],
        ["Black Friday Preview", "Black Friday", "Christmas Gift Guide", "Cyber Monday"],
        ["Christmas Gift Guide", "Last Order Dates", "Christmas Delivery Deadline", "Gifts Under 25"],
    ];

    private Campaign[] BuildCampaigns()
    {
        var rng = DemoRandom.For(_options.Seed, 0, DemoRandom.Part.Campaigns);
        var list = new List<Campaign>();
        var day = _start.Date.AddDays(3).AddHours(8);
        while (day < _now)
        {
            var sent = day.AddMinutes(rng.Between(0, 120));
            var names = CampaignNames[sent.Month - 1];
            var name = names[Math.Min((sent.Day - 1) / 7, names.Length - 1)];
            var id = $"cmp-{ISOWeek.GetYear(sent)}-w{ISOWeek.GetWeekOfYear(sent):D2}";
            list.Add(new Campaign(id, name, DateTime.SpecifyKind(sent, DateTimeKind.Utc), DemoCatalog.PickProduct(rng)));
            day = day.AddDays(7);
        }
        return list.ToArray();
    }
}
