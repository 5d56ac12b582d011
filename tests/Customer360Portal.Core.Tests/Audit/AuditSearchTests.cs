using Customer360Portal.Core.Audit;

namespace Customer360Portal.Core.Tests.Audit;

/// <summary>The privacy officers' audit search on a real store: each filter narrows, all of them combine.</summary>
public class AuditSearchTests
{
    [Fact]
    public async Task Search_FiltersByActionUserTargetDatesAndDetails()
    {
        await using var test = await CoreHost.CreateAsync();
        var audit = test.Get<AuditLog>();
        var agent = new AuditActor("user-1", "Alex Agent");
        var officer = new AuditActor("user-2", "Pat Privacy");
        await audit.WriteAsync(agent, "profile.viewed", "customer", "42", "identity graph");
        await audit.WriteAsync(agent, "profile.viewed", "customer", "43", "identity graph");
        await audit.WriteAsync(officer, "consent.changed", "customer", "42", "EmailMarketing withdrawn from portal");
        await audit.WriteAsync(officer, "privacy-request.filed", "privacy-request", "7");

        async Task<List<string>> Find(AuditQuery query) =>
            (await audit.SearchAsync(query, 100)).Select(a => $"{a.Action} {a.TargetId}").ToList();

        Assert.Equal(["profile.viewed 43", "profile.viewed 42"], await Find(new AuditQuery { ActionPrefix = "profile." }));
        Assert.Equal(["consent.changed 42", "profile.viewed 42"], await Find(new AuditQuery { TargetType = "customer", TargetId = "42" }));
        Assert.Equal(["privacy-request.filed 7", "consent.changed 42"], await Find(new AuditQuery { User = "Pat" }));
        Assert.Equal(["consent.changed 42"], await Find(new AuditQuery { Text = "withdrawn", User = "user-2" }));
        Assert.Empty(await Find(new AuditQuery { From = DateOnly.FromDateTime(CoreHost.Now.UtcDateTime).AddDays(1) }));
        Assert.Equal(4, (await Find(new AuditQuery { To = DateOnly.FromDateTime(CoreHost.Now.UtcDateTime) })).Count);
    }
}
