using System.Text.Json;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Core.Quality;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Quality;

/// <summary>
/// A small known data set through real intake and projection: three CRM people with deliberate gaps and bad values,
/// one shop order, and one bad record from each source in quarantine.
/// <list type="bullet">
/// <item>Ann Lee: everything filled and valid, updated 2026-10-01, one order.</item>
/// <item>Bob Stone: misspelt mail provider (gmial.com), no phone, no date of birth, a US-shaped postcode in GB, updated 2026-09-01.</item>
/// <item>Cara Diaz: no email, born 2020 (younger than 13), US address, updated 2025-06-01.</item>
/// </list>
/// </summary>
internal static class QualityTestData
{
    public const string AnnEmail = "ann.lee@example.com";
    public const string BobEmail = "bob.stone@gmial.com";
    public const string CaraPhone = "+447700900003";

    public static IncomingRecord Person(string id, string updatedAt, string first, string last, string? email = null, string? phone = null,
        string? dob = null, string line1 = "1 High Street", string city = "London", string postcode = "SW1A 1AA", string country = "GB") =>
        Record("crm", RecordKinds.Contact, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id, ["updatedAt"] = updatedAt, ["firstName"] = first, ["lastName"] = last, ["email"] = email, ["phone"] = phone,
            ["dateOfBirth"] = dob, ["address"] = new Dictionary<string, string> { ["line1"] = line1, ["city"] = city, ["postcode"] = postcode, ["country"] = country },
        }.Where(f => f.Value is not null).ToDictionary()));

    public static Task<TestProfileStore> StoreAsync(Dictionary<string, string?>? settings = null) =>
        CoreHost.CreateAsync(b =>
        {
            if (settings is not null) b.Configuration.AddInMemoryCollection(settings);
            b.AddErasure(runInBackground: false);
            b.AddDataQuality(runInBackground: false);
        });

    public static async Task<TestProfileStore> KnownSetAsync(Dictionary<string, string?>? settings = null)
    {
        var test = await StoreAsync(settings);
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);
        var intake = test.Get<IntakePipeline>();
        await intake.IngestAsync("crm", [
            Person("C-1", "2026-10-01T09:00:00Z", "Ann", "Lee", AnnEmail, "+44 7700 900001", "1980-05-01"),
            Person("C-2", "2026-09-01T09:00:00Z", "Bob", "Stone", BobEmail, postcode: "12345"),
            Person("C-3", "2025-06-01T09:00:00Z", "Cara", "Diaz", phone: "+44 7700 900003", dob: "2020-01-01", line1: "5 Main St", city: "New York", postcode: "10001", country: "US"),
            Person("C-4", "2026-10-01T09:00:00Z", "Dan", "Bad", "not-an-email"),
        ]);
        await intake.IngestAsync("shop", [Order("ORD-1", AnnEmail, placedAt: "2026-10-05T10:30:00Z"), Order("ORD-2", "bad@@example.com")]);
        await test.Get<ProfileProjection>().CatchUpAsync();
        return test;
    }

    public static async Task<long> IdOfAsync(TestProfileStore test, string givenName)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        return await store.Customers.Where(c => c.GivenName == givenName && c.Status == CustomerStatus.Active).Select(c => c.Id).SingleAsync();
    }

    public static async Task SetLastActivityAsync(TestProfileStore test, string givenName, DateTime at)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        await store.Customers.Where(c => c.GivenName == givenName).ExecuteUpdateAsync(u => u.SetProperty(c => c.LastActivityAt, at));
    }
}
