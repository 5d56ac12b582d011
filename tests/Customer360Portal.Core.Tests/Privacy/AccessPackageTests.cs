using System.IO.Compression;
using System.Text.Json;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Tests.CustomerView;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Privacy;

public class AccessPackageTests : IAsyncLifetime
{
    private static readonly AuditActor Officer = new("officer-1", "Pat Privacy");

    private TestProfileStore test = null!;
    private long customerId;
    private long mergedId;
    private PrivacyRequests requests = null!;
    private AccessPackage packages = null!;

    public async Task InitializeAsync()
    {
        (test, customerId) = await CustomerViewTestData.CustomerAsync();
        var clock = test.Get<TimeProvider>();
        requests = new PrivacyRequests(test.Stores, clock);
        packages = new AccessPackage(test.Stores, requests, clock);

        // A profile merged into the customer earlier: its record moved to the survivor, its id redirects, it was viewed.
        await using var store = await test.Stores.CreateDbContextAsync();
        var merged = new Customer
        {
            Status = CustomerStatus.Merged, MergedIntoId = customerId, GivenName = "Jon", FamilyName = "Smith",
            CreatedAt = CoreHost.Now.UtcDateTime.AddDays(-90), UpdatedAt = CoreHost.Now.UtcDateTime.AddDays(-30),
        };
        store.Customers.Add(merged);
        await store.SaveChangesAsync();
        mergedId = merged.Id;
        store.SourceRecords.Add(new SourceRecord
        {
            SourceKey = "crm", ExternalId = "OLD-7", Kind = "contact", PayloadJson = """{"id":"OLD-7","firstName":"Jon","note":"=SUM(A1)"}""",
            NormalizedJson = "{}", OccurredAt = CoreHost.Now.UtcDateTime.AddDays(-90), PayloadHash = new string('a', 64), VersionKey = new string('a', 16),
            ReceivedAt = CoreHost.Now.UtcDateTime.AddDays(-90), Status = SourceRecordStatus.Resolved, CustomerId = customerId, OriginCustomerId = mergedId,
        });
        store.Merges.Add(new MergeRecord { SurvivorId = customerId, MergedId = mergedId, MergedAt = CoreHost.Now.UtcDateTime.AddDays(-30), Rule = "deterministic:email" });
        store.AuditLog.Add(new AuditEntry { At = CoreHost.Now.UtcDateTime.AddDays(-60), UserName = "Old Viewer", Action = "profile.viewed", TargetType = "customer", TargetId = mergedId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        store.AuditLog.Add(new AuditEntry { At = CoreHost.Now.UtcDateTime.AddDays(-1), UserName = "Alex Agent", Action = "profile.viewed", TargetType = "customer", TargetId = customerId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        store.Scores.Add(new CustomerScore { CustomerId = customerId, Kind = ScoreKind.ChurnRisk, ModelVersion = "churn-1", Value = 0.72, Label = "high", ReasonsJson = """["no order for 60 days","open ticket"]""", ScoredAt = CoreHost.Now.UtcDateTime });
        store.Notes.Add(new CustomerNote { CustomerId = customerId, AuthorUserId = "nobody", Text = "Prefers phone calls", CreatedAt = CoreHost.Now.UtcDateTime });
        await store.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await test.DisposeAsync();

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task BuildAsync_HoldsEveryFile_WithTheMergedProfileAndTheViews()
    {
        var package = (await packages.BuildAsync(mergedId, Officer))!; // the merged-away id leads to the survivor

        Assert.Equal(customerId, package.CustomerId);
        using var zip = new ZipArchive(new MemoryStream(package.Content));
        Assert.Equal(AccessPackage.Files.Order(), zip.Entries.Select(e => e.FullName).Order());

        using var person = JsonDocument.Parse(Read(zip, "person.json"));
        var root = person.RootElement;
        Assert.Equal(customerId, root.GetProperty("profileId").GetInt64());
        Assert.Equal([mergedId], root.GetProperty("mergedProfileIds").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("Jonathan", root.GetProperty("goldenRecord").GetProperty("givenName").GetString());
        Assert.Equal(CustomerViewTestData.Email, root.GetProperty("goldenRecord").GetProperty("email").GetString());
        Assert.Contains(root.GetProperty("sourceRecords").EnumerateArray(), r => r.GetProperty("externalId").GetString() == "OLD-7");
        Assert.Contains(root.GetProperty("identifiers").EnumerateArray(), i => i.GetProperty("value").GetString() == CustomerViewTestData.Email);
        Assert.Equal(5, root.GetProperty("interactions").GetArrayLength()); // two orders and three tickets
        Assert.Equal(["no order for 60 days", "open ticket"], root.GetProperty("scores")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        var golden = Read(zip, "golden-record.csv");
        Assert.StartsWith("\uFEFFfield,value,source,rule,observed", golden);
        Assert.Contains("Jonathan", golden);
        var records = Read(zip, "source-records.csv");
        Assert.Contains("OLD-7", records);
        Assert.Contains("ORD-10023", records);
        Assert.Contains("C-1", records);
        var views = Read(zip, "profile-views.csv");
        Assert.Contains("Old Viewer", views);
        Assert.Contains("Alex Agent", views);
        Assert.Contains(mergedId.ToString(System.Globalization.CultureInfo.InvariantCulture), views);
        Assert.Contains("no order for 60 days; open ticket", Read(zip, "scores.csv"));
        Assert.Contains("Prefers phone calls", Read(zip, "notes.csv"));
        Assert.Contains("ticket", Read(zip, "interactions.csv"));
        Assert.Contains("not kept by the portal", Read(zip, "README.txt"));
    }

    [Fact]
    public async Task BuildForRequestAsync_IsAuditedWithoutPersonalData_AndCompletesTheRequestWithItsName()
    {
        var request = await requests.FileAsync(new NewPrivacyRequest(PrivacyRequestType.Access, Regulation.Gdpr, CustomerViewTestData.Email, null, "portal"), Officer);
        var matches = await requests.FindProfilesAsync(request.Id, "Jonathan.Smith@Example.com", Officer);
        Assert.Equal(customerId, Assert.Single(matches).CustomerId);
        var v = await requests.LinkCustomerAsync(request.Id, request.Version, mergedId, Officer); // redirects to the survivor
        Assert.Equal(customerId, (await requests.GetAsync(request.Id))!.Request.CustomerId);

        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => packages.BuildForRequestAsync(request.Id, Officer)); // not verified yet
        v = await requests.SetVerificationAsync(request.Id, v, IdentityVerification.Verified, null, Officer);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            requests.ChangeStatusAsync(request.Id, v, PrivacyRequestStatus.Completed, "sent", Officer)); // no package yet

        var package = await packages.BuildForRequestAsync(request.Id, Officer);
        await requests.ChangeStatusAsync(request.Id, v, PrivacyRequestStatus.Completed, "Sent by secure email", Officer);

        var done = (await requests.GetAsync(request.Id))!;
        Assert.Equal(PrivacyRequestStatus.Completed, done.Request.Status);
        Assert.Contains(package.FileName, done.Request.Outcome);
        Assert.Contains($"{package.Content.Length} bytes", done.Request.Outcome);
        Assert.Contains(done.History, h => h.Action == "access-package.exported");

        await using var store = await test.Stores.CreateDbContextAsync();
        var exported = await store.AuditLog.AsNoTracking().SingleAsync(a => a.Action == "access-package.exported");
        Assert.Equal(customerId.ToString(System.Globalization.CultureInfo.InvariantCulture), exported.TargetId);
        Assert.Equal("Pat Privacy", exported.UserName);
        var all = await store.AuditLog.AsNoTracking().Select(a => a.Details ?? "").ToListAsync();
        Assert.All(all, d =>
        {
            Assert.DoesNotContain("jonathan", d, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("example.com", d, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Csv_FormulaLikeValues_AreEscapedForSpreadsheets()
    {
        var package = (await packages.BuildAsync(customerId, Officer))!;
        using var zip = new ZipArchive(new MemoryStream(package.Content));

        // The payload starts with "{", so it is kept as received; person.json always holds values unchanged.
        Assert.Contains("=SUM(A1)", Read(zip, "source-records.csv"));
        Assert.Contains("=SUM(A1)", Read(zip, "person.json"));
    }
}
