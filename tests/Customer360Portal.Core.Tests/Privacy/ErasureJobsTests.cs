using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Privacy;

/// <summary>Erasure as a background job started from a verified erasure request, which it completes with the receipt.</summary>
public class ErasureJobsTests
{
    private static readonly AuditActor Officer = new("privacy-1", "privacy@example.com");

    private static async Task<(TestProfileStore Test, long CustomerId)> PersonAsync()
    {
        var test = await CoreHost.CreateAsync(b => b.AddErasure(runInBackground: false));
        await test.Get<SourceRegistry>().EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await test.Get<IntakePipeline>().IngestAsync("crm", [Contact("C-1", "erase.me@example.com", "Rosalind", "Vantongeren")]);
        await test.Get<ProfileProjection>().CatchUpAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        return (test, await store.Customers.Where(c => c.Status == CustomerStatus.Active).Select(c => c.Id).SingleAsync());
    }

    private static async Task<long> RequestAsync(TestProfileStore test, long? customerId, IdentityVerification verification)
    {
        await using var store = await test.Stores.CreateDbContextAsync();
        var request = new PrivacyRequest
        {
            Type = PrivacyRequestType.Erasure, Regulation = Regulation.Gdpr, Status = PrivacyRequestStatus.InProgress, Verification = verification,
            CustomerId = customerId, SubjectContact = "erase.me@example.com", Details = "Please delete everything about me, Rosalind Vantongeren.",
            Channel = "portal", ReceivedAt = CoreHost.Now.UtcDateTime, DueAt = CoreHost.Now.UtcDateTime.AddMonths(1),
        };
        store.PrivacyRequests.Add(request);
        await store.SaveChangesAsync();
        return request.Id;
    }

    [Fact]
    public async Task VerifiedErasureRequest_RunsInTheBackground_AndClosesWithTheReceipt()
    {
        var (test, customerId) = await PersonAsync();
        await using var _ = test;
        var requestId = await RequestAsync(test, customerId, IdentityVerification.Verified);
        var jobs = test.Get<ErasureJobs>();
        var seen = new List<string>();
        jobs.Changed += () => seen.AddRange(jobs.Running.Values.Select(p => p.Step));

        var jobId = await jobs.RequestAsync(requestId, Officer);
        Assert.Equal(jobId, await jobs.RequestAsync(requestId, Officer)); // asking twice queues one job
        Assert.True(await test.Get<ErasureJobService>().RunNextAsync());
        Assert.False(await test.Get<ErasureJobService>().RunNextAsync());

        await using var store = await test.Stores.CreateDbContextAsync();
        var request = await store.PrivacyRequests.SingleAsync(r => r.Id == requestId);
        var job = await store.Jobs.SingleAsync(j => j.Id == jobId);
        Assert.Equal((PrivacyRequestStatus.Completed, JobStatus.Succeeded), (request.Status, job.Status));
        Assert.Contains("\"ProfileId\":" + customerId, request.Outcome);
        Assert.Equal("[erased]", request.SubjectContact);
        Assert.Equal("[erased]", request.Details);
        Assert.DoesNotContain("erase.me", job.Message + request.Outcome);
        Assert.Contains("Done", seen);
        Assert.Equal(CustomerStatus.Erased, (await store.Customers.SingleAsync(c => c.Id == customerId)).Status);
        Assert.Equal(["erasure-started", "completed"], await store.PrivacyRequestEvents.Where(e => e.RequestId == requestId).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }

    [Fact]
    public async Task UnverifiedOrUnlinkedRequest_IsRefused()
    {
        var (test, customerId) = await PersonAsync();
        await using var _ = test;
        var unverified = await RequestAsync(test, customerId, IdentityVerification.NotVerified);
        var unlinked = await RequestAsync(test, null, IdentityVerification.Verified);
        var jobs = test.Get<ErasureJobs>();

        var notVerified = await Assert.ThrowsAsync<InvalidOperationException>(() => jobs.RequestAsync(unverified, Officer));
        var notLinked = await Assert.ThrowsAsync<InvalidOperationException>(() => jobs.RequestAsync(unlinked, Officer));

        Assert.Contains("Verify", notVerified.Message);
        Assert.Contains("Link", notLinked.Message);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(CustomerStatus.Active, (await store.Customers.SingleAsync(c => c.Id == customerId)).Status);
    }

    [Fact]
    public async Task RecordsStoredButNotYetProjected_AreErasedToo_SoTheProjectionCannotBuildThePersonAgain()
    {
        var (test, customerId) = await PersonAsync();
        await using var _ = test;
        // The shop sends an order of hers just before the erasure; the projection has not reached it yet.
        await test.Get<IntakePipeline>().IngestAsync("crm", [Order("ORD-LATE", "erase.me@example.com")]);

        var receipt = await test.Get<PersonErasure>().EraseAsync(customerId, null, Officer);
        await test.Get<ProfileProjection>().CatchUpAsync();

        Assert.Equal(1, receipt.Removed["pending source records"]);
        await using var store = await test.Stores.CreateDbContextAsync();
        Assert.Equal(0, await store.Customers.CountAsync(c => c.Status == CustomerStatus.Active));
        Assert.Equal(0, await store.SourceRecords.CountAsync());
    }
}
