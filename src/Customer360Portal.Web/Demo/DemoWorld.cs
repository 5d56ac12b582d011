using Customer360Portal.Core.DemoData;
using Customer360Portal.Web.Setup;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Web.Demo;

/// <summary>
/// The simulated company behind demo mode: its backfill (two years of history) and a live trickle of new events that
/// follows the wall clock from the moment the portal started. Every source system of the demo reads from here, so they
/// all describe the same people.
/// </summary>
public sealed class DemoWorld
{
    private readonly DemoCompany company;
    private readonly DateTime startedAt;
    private readonly TimeProvider clock;
    private readonly IEnumerator<DemoRecord> live;
    private readonly Dictionary<string, List<DemoRecord>> records = [];
    private readonly Lock gate = new();
    private DemoRecord? pendingLive;

    public DemoWorld(IOptions<DemoOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        company = new DemoCompany(new DemoCompanyOptions
        {
            People = options.Value.People,
            Seed = options.Value.Seed,
            LiveEventsPerHour = options.Value.LiveEventsPerHour,
        });
        startedAt = clock.GetUtcNow().UtcDateTime;
        foreach (var source in DemoSources.All)
            records[source.Key] = [];
        foreach (var record in company.Records())
            records[record.SourceKey].Add(record);
        live = company.LiveStream(company.Now).GetEnumerator();
    }

    public int People => company.PeopleCount;

    /// <summary>The source's records from <paramref name="offset"/> on, as far as the simulated clock has got.</summary>
    public IReadOnlyList<DemoRecord> Read(string sourceKey, int offset, int limit, out int total)
    {
        lock (gate)
        {
            CatchUpLive();
            var list = records[sourceKey];
            total = list.Count;
            if (offset >= list.Count) return [];
            return list.GetRange(offset, Math.Min(limit, list.Count - offset));
        }
    }

    /// <summary>The demo's "now" at the source systems: the end of the history plus the time since the portal started.</summary>
    public DateTime SimulatedNow => company.Now + (clock.GetUtcNow().UtcDateTime - startedAt);

    private void CatchUpLive()
    {
        var now = SimulatedNow;
        while (true)
        {
            if (pendingLive is null)
            {
                if (!live.MoveNext()) return;
                pendingLive = live.Current;
            }
            if (pendingLive.At > now) return;
            records[pendingLive.SourceKey].Add(pendingLive);
            pendingLive = null;
        }
    }
}
