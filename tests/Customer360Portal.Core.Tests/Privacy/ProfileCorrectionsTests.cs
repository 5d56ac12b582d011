using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Consent;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Privacy;
using Customer360Portal.Core.Profiles;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using static Customer360Portal.Core.Tests.Ingestion.IntakeTestData;

namespace Customer360Portal.Core.Tests.Privacy;

/// <summary>Rectification keeps a person's correction against later source values; restriction freezes processing.</summary>
public class ProfileCorrectionsTests
{
    private static readonly AuditActor Officer = new("privacy-1", "Pat Privacy");

    private static async Task<(TestProfileStore Test, long Id)> PersonAsync()
    {
        var test = await CoreHost.CreateAsync(b => b.AddErasure(runInBackground: false));
        await test.Get<SourceRegistry>().EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        await test.Get<IntakePipeline>().IngestAsync("crm", [Contact("C-1", "jon@example.com", "Jonathon", "Smith")]);
        await test.Get<ProfileProjection>().CatchUpAsync();
        await using var store = await test.Stores.CreateDbContextAsync();
        return (test, await store.Customers.Select(c => c.Id).SingleAsync());
    }

    [Fact]
    public async Task RectifiedValue_HasItsLineage_AndSurvivesTheNextSourceRecord()
    {
        var (test, id) = await PersonAsync();
        await using var _ = test;

        await test.Get<ProfileCorrections>().RectifyAsync(id, nameof(Customer.GivenName), " Jonathan ", "Customer spelled it on the phone", Officer, requestId: null);
        await test.Get<ProfileCorrections>().RectifyAsync(id, nameof(Customer.Email), "Jonathan.Smith@Example.com", "New address", Officer);
        await test.Get<IntakePipeline>().IngestAsync("crm", [Contact("C-1", "jon@example.com", "Jonathon", "Smith", updatedAt: "2026-11-01T09:00:00Z")]);
        await test.Get<ProfileProjection>().CatchUpAsync();

        await using var store = await test.Stores.CreateDbContextAsync();
        var profile = await store.Customers.SingleAsync(c => c.Id == id);
        Assert.Equal(("Jonathan", "jonathan.smith@example.com"), (profile.GivenName, profile.Email));
        var lineage = profile.Lineage.Single(l => l.Field == nameof(Customer.GivenName));
        Assert.Equal((GoldenRecord.RectifiedRule, "rectified by Pat Privacy", "Customer spelled it on the phone"), (lineage.Rule, lineage.SourceKey, lineage.Reason));
        Assert.Equal(2, await store.AuditLog.CountAsync(a => a.Action == "profile.rectified" && a.TargetId == id.ToString()));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => test.Get<ProfileCorrections>().RectifyAsync(id, nameof(Customer.Email), "not-an-email", "typo", Officer));
        Assert.DoesNotContain("not-an-email", bad.Message);
    }

    [Fact]
    public async Task RestrictedProfile_GetsNoMarketing_UntilTheRestrictionIsLifted()
    {
        var (test, id) = await PersonAsync();
        await using var _ = test;
        await using (var store = await test.Stores.CreateDbContextAsync())
        {
            store.ConsentStates.Add(new ConsentState { CustomerId = id, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, UpdatedAt = CoreHost.Now.UtcDateTime });
            await store.SaveChangesAsync();
        }
        var corrections = test.Get<ProfileCorrections>();
        var check = test.Get<ConsentCheck>();

        await corrections.RestrictAsync(id, "Accuracy contested by the customer", Officer);
        var whileRestricted = await check.CheckAsync(id, ConsentPurpose.EmailMarketing);
        await corrections.LiftRestrictionAsync(id, "Accuracy confirmed", Officer);
        var afterwards = await check.CheckAsync(id, ConsentPurpose.EmailMarketing);

        Assert.False(whileRestricted.Allowed);
        Assert.Equal(ConsentCheck.Reasons.Restricted, whileRestricted.Reason);
        Assert.True(afterwards.Allowed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => corrections.LiftRestrictionAsync(id, "again", Officer));
    }
}
