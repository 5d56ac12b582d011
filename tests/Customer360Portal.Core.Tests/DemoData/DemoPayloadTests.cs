using System.Text.Json;
using System.Text.RegularExpressions;
using Customer360Portal.Core.DemoData;
using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.Tests.DemoData;

[Collection(DemoCompanyCollection.Name)]
public class DemoPayloadTests(DemoCompanyFixture demo)
{
    [Fact]
    public void Payloads_NotMarkedInvalid_FollowRecordFormats()
    {
        var failures = demo.Records.Where(r => !r.ExpectedInvalid)
            .Select(r => (r, problems: RecordSpec.Problems(r, demo.Company.Now)))
            .Where(x => x.problems.Count > 0)
            .Take(5)
            .Select(x => $"{x.r.SourceKey} {string.Join(",", x.problems)}: {System.Text.Encoding.UTF8.GetString(x.r.Payload)}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Payloads_MarkedInvalid_BreakRecordFormats()
    {
        var invalid = demo.Records.Where(r => r.ExpectedInvalid).ToList();
        Assert.NotEmpty(invalid);
        var passing = invalid.Where(r => RecordSpec.Problems(r, demo.Company.Now).Count == 0)
            .Take(5).Select(r => $"{r.InvalidReason}: {System.Text.Encoding.UTF8.GetString(r.Payload)}").ToList();
        Assert.True(passing.Count == 0, string.Join("\n", passing));
        Assert.All(invalid, r => Assert.False(string.IsNullOrEmpty(r.InvalidReason)));
    }

    [Fact]
    public void Malformed_AreAboutTwoPercent_AndOfEveryKind()
    {
        var share = demo.Records.Count(r => r.ExpectedInvalid) / (double)demo.Records.Count;
        Assert.InRange(share, 0.015, 0.025);
        var reasons = demo.Records.Where(r => r.ExpectedInvalid).Select(r => r.InvalidReason!.Split(':')[0]).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "bad-email", "missing-field", "wrong-type", "negative-total", "future-timestamp", "control-characters",
            "no-identifier", "bad-value", "truncated-json",
        }, reasons);
        Assert.All(DemoSources.All, s => Assert.Contains(demo.Records, r => r.SourceKey == s.Key && r.ExpectedInvalid));
    }

    [Fact]
    public void Records_KindMatchesTheSource()
    {
        var kinds = DemoSources.All.ToDictionary(s => s.Key, s => s.RecordKind);
        Assert.All(demo.Records, r => Assert.Equal(kinds[r.SourceKey], r.Kind));
        Assert.Equal(RecordKinds.All.Order(), demo.Records.Select(r => r.Kind).Distinct().Order());
    }

    [Fact]
    public void ExternalIds_MatchThePayload_AndAreUniquePerSource()
    {
        string[] idField = ["id", "orderNumber", "ticketId", "eventId", "messageId"];
        foreach (var source in DemoSources.All)
        {
            var field = idField[RecordKinds.All.ToList().IndexOf(source.RecordKind)];
            var valid = demo.Records.Where(r => r.SourceKey == source.Key && !r.ExpectedInvalid).ToList();
            foreach (var r in valid.Take(2_000))
                Assert.Equal(r.ExternalId, DemoCompanyFixture.Text(JsonDocument.Parse(r.Payload).RootElement, field));
            Assert.Equal(valid.Count, valid.Select(r => r.ExternalId).Distinct().Count());
        }
    }

    [Fact]
    public void Emails_UseOnlyReservedDomains()
    {
        var domain = new Regex(@"@(example\.(com|org|net)|[a-z0-9-]+\.example)$", RegexOptions.IgnoreCase);
        Assert.All(demo.People, p =>
        {
            Assert.Matches(domain, p.Email);
            if (p.AlternateEmail is not null) Assert.Matches(domain, p.AlternateEmail);
        });
        foreach (var source in DemoSources.All)
            foreach (var (_, _, json) in demo.Valid(source.Key))
                if (DemoCompanyFixture.Text(json, "email") is { } email) Assert.Matches(domain, email.Trim());
    }

    [Fact]
    public void Phones_ComeOnlyFromRangesKeptForDrama()
    {
        var fictional = new Regex(
            @"^\+44(7700900\d{3}|(207946|11[3-8]496|121496|131496|141496|151496|161496|191498|292018)0\d{3}|2896496\d{3}|1632960\d{3})$" +
            @"|^\+1\d{3}55501\d{2}$" +
            @"|^\+49(3023125|6990009|4066969|2214710|8999998)\d{3}$" +
            @"|^\+33(19900|26191|35301|46571|53649)\d{4}$");
        var phones = demo.People.Where(p => p.Phone is not null).Select(p => p.Phone!).ToList();
        Assert.All(phones, phone => Assert.Matches(fictional, phone));
        Assert.Equal(phones.Count, phones.Distinct().Count());
    }

    [Fact]
    public void WebEvents_UseDocumentationIpAddresses()
    {
        var documentation = new Regex(@"^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|2001:db8:)");
        foreach (var (_, _, json) in demo.Valid(DemoSources.Web.Key).Take(5_000))
            Assert.Matches(documentation, json.GetProperty("context").GetProperty("ip").GetString()!);
    }

    [Fact]
    public void Times_LieInTheHistory()
    {
        var now = demo.Company.Now;
        var start = now.AddDays(-demo.Company.Options.HistoryDays);
        Assert.All(demo.Records, r => Assert.InRange(r.At, start, now));
    }
}
