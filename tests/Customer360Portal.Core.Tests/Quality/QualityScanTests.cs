using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;
using static Customer360Portal.Core.Tests.Quality.QualityTestData;

namespace Customer360Portal.Core.Tests.Quality;

/// <summary>The quality scan on a known data set in a real SQLite store.</summary>
public class QualityScanTests
{
    private static readonly string[] GivenNames = ["Ann", "Bob", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jade"];
    private static readonly string[] FamilyNames =
    [
        "Abbott", "Baker", "Clarke", "Dalton", "Evans", "Fisher", "Grant", "Hughes", "Irwin", "Jarvis", "Kemp", "Lowe", "Marsh",
        "Nolan", "Owens", "Price", "Quinn", "Reid", "Shaw", "Tate", "Upton", "Vance", "Wells", "Young", "Zeller",
    ];

    private static FieldQuality Field(QualityReport report, string field) => report.Fields.Single(f => f.Field == field);

    private static SourceFieldQuality SourceField(QualityReport report, string source, string field) =>
        report.Sources.Single(s => s.SourceKey == source).Fields.Single(f => f.Field == field);

    [Fact]
    public async Task RunAsync_KnownProfiles_CountsCompletenessAndValidityPerGoldenField()
    {
        await using var test = await KnownSetAsync();

        var report = await test.Get<QualityScan>().RunAsync();

        Assert.Equal(3, report.Profiles); // Dan's record was quarantined: no profile
        Assert.Equal((2L, 1L), (Field(report, nameof(Customer.Email)).Present, Field(report, nameof(Customer.Email)).Valid));
        Assert.Equal("domain looks like a misspelt mail provider", Field(report, nameof(Customer.Email)).Problems.Single().Problem);
        Assert.Equal((2L, 2L), (Field(report, nameof(Customer.Phone)).Present, Field(report, nameof(Customer.Phone)).Valid));
        Assert.Equal((2L, 1L), (Field(report, nameof(Customer.DateOfBirth)).Present, Field(report, nameof(Customer.DateOfBirth)).Valid));
        Assert.Equal("younger than 13", Field(report, nameof(Customer.DateOfBirth)).Problems.Single().Problem);
        Assert.Equal((3L, 2L), (Field(report, nameof(Customer.Postcode)).Present, Field(report, nameof(Customer.Postcode)).Valid));
        Assert.Equal((3L, 3L), (Field(report, nameof(Customer.Country)).Present, Field(report, nameof(Customer.Country)).Valid));
        // Key fields filled: Ann 8 of 8, Bob 6 (no phone, no birth date), Cara 7 (no email) = 21 of 24.
        Assert.Equal(21.0 / 24, report.Completeness, 6);
        Assert.Equal(2, report.QuarantineOpen);
    }

    [Fact]
    public async Task RunAsync_KnownSources_CountsFieldsPerSource_WithQuarantineRefusalsAsInvalid()
    {
        await using var test = await KnownSetAsync();

        var report = await test.Get<QualityScan>().RunAsync();

        var crm = report.Sources.Single(s => s.SourceKey == "crm");
        Assert.Equal(("CRM", 3L, 3L, 1L), (crm.DisplayName, crm.Records, crm.Sampled, crm.QuarantineOpen));
        Assert.Equal(new SourceFieldQuality(nameof(Customer.Email), 2, 1, 1), SourceField(report, "crm", nameof(Customer.Email)));
        Assert.Equal(new SourceFieldQuality(nameof(Customer.Postcode), 3, 2, 0), SourceField(report, "crm", nameof(Customer.Postcode)));
        Assert.Equal(new SourceFieldQuality(nameof(Customer.Email), 1, 1, 1), SourceField(report, "shop", nameof(Customer.Email)));
        Assert.True(SourceField(report, "shop", nameof(Customer.DateOfBirth)).NotSent);
        var refused = Assert.Single(report.Quarantine, q => q.SourceKey == "shop");
        Assert.Equal(("email: not a valid email address", nameof(Customer.Email), 1L), (refused.Reason, refused.Field, refused.Open));
    }

    [Fact]
    public async Task RunAsync_StaleRule_CountsProfilesWithoutActivityForTheConfiguredTime()
    {
        await using var test = await KnownSetAsync(new() { ["Quality:StaleAfter"] = "100.00:00:00" });
        var now = CoreHost.Now.UtcDateTime;
        await SetLastActivityAsync(test, "Ann", now.AddDays(-10));
        await SetLastActivityAsync(test, "Bob", now.AddDays(-99));
        await SetLastActivityAsync(test, "Cara", now.AddDays(-101));

        var report = await test.Get<QualityScan>().RunAsync();

        Assert.Equal((1L, 100), (report.Stale, report.StaleAfterDays));
    }

    [Fact]
    public async Task RunAsync_Freshness_BucketsTheAgeOfEachFieldsValue_AndCountsCorrections()
    {
        await using var test = await KnownSetAsync();
        await test.Get<ProfileCorrections>().RectifyAsync(await IdOfAsync(test, "Ann"), nameof(Customer.Email), "ann@example.org", "Customer gave a new address",
            new AuditActor("agent-1", "Alex Agent"));

        var report = await test.Get<QualityScan>().RunAsync();

        Assert.Equal(3, report.FreshnessSampled);
        Assert.False(report.FreshnessIsSampled);
        // Emails: Ann's corrected today (0 days), Bob's observed 2026-09-01 (89 days before 2026-11-29).
        var email = report.Freshness.Single(f => f.Field == nameof(Customer.Email));
        Assert.Equal([1L, 1, 0, 0, 0], email.Buckets);
        Assert.Equal((2L, 1L, 44.5), (email.Values, email.Rectified, email.MedianDays!.Value));
        // Countries: Ann and Bob 2026-10-01/09-01 (31–90 days), Cara 2025-06-01 (1–2 years).
        Assert.Equal([0L, 2, 0, 1, 0], report.Freshness.Single(f => f.Field == nameof(Customer.Country)).Buckets);
    }

    [Fact]
    public async Task RunAsync_MoreProfilesThanTheFreshnessSample_ReadsEveryKthProfile_AndSaysSo()
    {
        await using var test = await StoreAsync(new() { ["Quality:FreshnessSample"] = "100" });
        await test.Get<Core.Ingestion.SourceRegistry>().EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await test.Get<Core.Ingestion.IntakePipeline>().IngestAsync("crm",
            Enumerable.Range(0, 250).Select(i => Person($"C-{i}", "2026-10-01T09:00:00Z", GivenNames[i % 10], FamilyNames[i / 10], $"p{i}@example.com",
                line1: $"{i + 1} {FamilyNames[i / 10]} Road", postcode: $"E{i % 9 + 1} {i % 10}AB")).ToList());
        await test.Get<Core.Profiles.ProfileProjection>().CatchUpAsync();

        var report = await test.Get<QualityScan>().RunAsync();

        Assert.Equal(250, report.Profiles);
        Assert.True(report.FreshnessIsSampled);
        Assert.Equal(84, report.FreshnessSampled); // every 3rd of 250
        Assert.Equal(84, report.Freshness.Single(f => f.Field == nameof(Customer.Email)).Values);
        Assert.Equal(250, report.Fields.Single(f => f.Field == nameof(Customer.Email)).Present); // completeness is never sampled
    }

    [Theory]
    [InlineData("address.postcode: contains characters not allowed in a postcode", nameof(Customer.Postcode))]
    [InlineData("traits.email: not a valid email address", nameof(Customer.Email))]
    [InlineData("dateOfBirth: is in the future", nameof(Customer.DateOfBirth))]
    [InlineData("lastName: longer than 100 characters", nameof(Customer.FamilyName))]
    [InlineData("firstName/lastName/email/phone/accountId: at least one is required", null)]
    [InlineData("lines[2].name: longer than 200 characters", null)]
    [InlineData("payload: not valid JSON", null)]
    public void GoldenFieldOfReason_QuarantineReason_NamesTheFieldItIsAbout(string reason, string? field) =>
        Assert.Equal(field, QualityScan.GoldenFieldOfReason(reason));
}
