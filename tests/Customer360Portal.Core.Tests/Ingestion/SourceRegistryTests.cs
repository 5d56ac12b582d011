using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Customer360Portal.Core.Tests.Ingestion;

public class SourceRegistryTests
{
    private static readonly AuditActor Admin = new("admin-id", "admin@example.com");

    [Fact]
    public async Task IssuedKey_VerifiesForItsSourceAndKindOnly_AndIsStoredHashed()
    {
        await using var test = await CoreHost.CreateAsync();
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);

        var issued = await registry.IssueKeyAsync("crm", ApiKeyKind.Ingest, Admin);

        Assert.Equal("crm", await registry.VerifyAsync(issued.Secret, ApiKeyKind.Ingest));
        Assert.Null(await registry.VerifyAsync(issued.Secret, ApiKeyKind.WriteKey));
        Assert.Null(await registry.VerifyAsync(issued.Secret[..^1] + (issued.Secret[^1] == '0' ? "1" : "0"), ApiKeyKind.Ingest));
        Assert.Null(await registry.VerifyAsync("garbage", ApiKeyKind.Ingest));
        await using var store = await test.Stores.CreateDbContextAsync();
        var row = await store.SourceApiKeys.SingleAsync();
        Assert.DoesNotContain(issued.Secret[5..], row.SecretHash + row.Prefix);
    }

    [Fact]
    public async Task Rotate_RevokesTheOldKey_AndRevokedKeysStopWorking()
    {
        await using var test = await CoreHost.CreateAsync();
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("crm", "CRM", SourceKind.Crm, ConnectorStyle.Push);
        var old = await registry.IssueKeyAsync("crm", ApiKeyKind.Ingest, Admin);
        Assert.Equal("crm", await registry.VerifyAsync(old.Secret, ApiKeyKind.Ingest));

        var fresh = await registry.RotateKeyAsync("crm", ApiKeyKind.Ingest, Admin);

        Assert.Null(await registry.VerifyAsync(old.Secret, ApiKeyKind.Ingest));
        Assert.Equal("crm", await registry.VerifyAsync(fresh.Secret, ApiKeyKind.Ingest));
        await registry.RevokeKeyAsync(fresh.Id, Admin);
        Assert.Null(await registry.VerifyAsync(fresh.Secret, ApiKeyKind.Ingest));
        var actions = (await test.Get<AuditLog>().RecentAsync(20)).Select(a => a.Action).ToList();
        Assert.Contains("source.keys-rotated", actions);
        Assert.Contains("source.key-revoked", actions);
    }

    [Fact]
    public async Task PauseResumeRunNow_AreKeptInTheStore()
    {
        await using var test = await CoreHost.CreateAsync();
        var registry = test.Get<SourceRegistry>();
        await registry.EnsureSourceAsync("shop", "Shop", SourceKind.Shop, ConnectorStyle.Pull);

        await registry.PauseAsync("shop", Admin);
        Assert.Equal(SyncState.Paused, (await registry.FindAsync("shop"))!.State);
        await registry.ResumeAsync("shop", Admin);
        await registry.RunNowAsync("shop", Admin);

        var shop = (await registry.FindAsync("shop"))!;
        Assert.Equal(SyncState.Running, shop.State);
        Assert.NotNull(shop.RunRequestedAt);
    }
}
