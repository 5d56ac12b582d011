using Bunit;
using Customer360Portal.Core.Audit;
using Customer360Portal.Core.Segments;
using Customer360Portal.Data.Model;
using Customer360Portal.Tests.Shared;
using Customer360Portal.Web.Components.Pages.Segments;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Customer360Portal.Web.Tests.Components.Pages.Segments;

/// <summary>The rule builder: nested groups, adding and removing rules, and the page's sentence and live size.</summary>
public class SegmentBuilderTests : PortalTestContext
{
    private const string Nested = """
        { "type": "group", "combinator": "all", "rules": [
          { "type": "field", "field": "city", "operator": "equals", "values": ["London"] },
          { "type": "group", "combinator": "any", "rules": [
            { "type": "consent", "purpose": "EmailMarketing", "granted": true },
            { "type": "behaviour", "event": "email.opened", "did": true, "withinDays": 30 } ] } ] }
        """;

    private async Task<TestProfileStore> StoreAsync()
    {
        var store = await UseProfileStoreAsync(b => b.AddSegments(runInBackground: false));
        foreach (var type in new[] { typeof(SegmentCatalog), typeof(SegmentEstimator), typeof(SegmentChangeNotifier), typeof(SegmentRefresher) })
            Services.AddSingleton(type, store.Host.Services.GetRequiredService(type));
        Services.AddSingleton(store.Stores);
        return store;
    }

    [Fact]
    public void RuleGroupEditor_ShowsNestedGroupsAndEachRuleWithItsInputs()
    {
        var root = (GroupRule)SegmentRuleJson.Parse(Nested);
        RenderAsInteractive();
        Render<MudPopoverProvider>();

        var editor = Render<RuleGroupEditor>(p => p.Add(e => e.Group, root).Add(e => e.IsRoot, true));

        Assert.Equal(["", "2"], editor.FindAll("[data-testid=rule-group]").Select(g => g.GetAttribute("data-path")));
        Assert.Equal(["1", "2.1", "2.2"], editor.FindAll("[data-testid=rule]").Select(r => r.GetAttribute("data-path")));
        Assert.Equal(["field", "consent", "behaviour"], editor.FindAll("[data-testid=rule]").Select(r => r.GetAttribute("data-type")));
        Assert.Equal("London", editor.Find("[data-path='1'] [data-testid=rule-value] input, [data-path='1'] input[data-testid=rule-value]").GetAttribute("value"));
        Assert.NotNull(editor.Find("[data-path='2.2'] [data-testid=rule-days] input, [data-path='2.2'] input[data-testid=rule-days]"));
    }

    [Fact]
    public void RuleGroupEditor_AddGroupAndRemoveRule_ChangeTheTreeAndReportIt()
    {
        var root = (GroupRule)SegmentRuleJson.Parse(Nested);
        var changes = 0;
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        var editor = Render<RuleGroupEditor>(p => p.Add(e => e.Group, root).Add(e => e.IsRoot, true)
            .Add(e => e.OnChanged, EventCallback.Factory.Create(this, () => changes++)));

        editor.FindAll("[data-testid=add-group]")[^1].Click(); // the root's own button comes after its nested groups
        // MudBlazor's buttons handle clicks asynchronously: wait for each change to land (slow shared machines).
        editor.WaitForAssertion(() => Assert.Equal(3, root.Rules.Count), WaitTimeout);
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-path='2.1'] [data-testid=remove-rule]")), WaitTimeout);
        editor.Find("[data-path='2.1'] [data-testid=remove-rule]").Click();
        editor.WaitForAssertion(() => Assert.Single(((GroupRule)root.Rules[1]).Rules), WaitTimeout);

        Assert.IsType<GroupRule>(root.Rules[2]);
        Assert.IsType<BehaviourRule>(Assert.Single(((GroupRule)root.Rules[1]).Rules));
        Assert.Equal(2, changes);
        editor.WaitForAssertion(() => Assert.Equal(["", "2", "3"], editor.FindAll("[data-testid=rule-group]").Select(g => g.GetAttribute("data-path"))), WaitTimeout);
        Assert.Contains("This group is empty", editor.Find("[data-path='3']").TextContent);
    }

    [Fact]
    public async Task EditorPage_FromALink_ShowsTheSentenceAndTheExactSizeWithConsentPerChannel()
    {
        var store = await StoreAsync();
        await using (var db = await store.Stores.CreateDbContextAsync())
        {
            db.Customers.AddRange(
                new Customer { GivenName = "Ann", Email = "ann@example.com", City = "London", Status = CustomerStatus.Active, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow },
                new Customer { GivenName = "Bob", Email = "bob@example.com", City = "London", Status = CustomerStatus.Active, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow },
                new Customer { GivenName = "Cy", Email = "cy@example.com", City = "Leeds", Status = CustomerStatus.Active, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            var ann = db.Customers.Single(c => c.GivenName == "Ann").Id;
            db.ConsentStates.Add(new ConsentState { CustomerId = ann, Purpose = ConsentPurpose.EmailMarketing, Status = ConsentStatus.Granted, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        SignInAs("marketer@example.com", PortalRoles.Marketer);
        RenderAsInteractive();
        Render<MudPopoverProvider>();
        var rules = """{ "type": "group", "combinator": "all", "rules": [ { "type": "field", "field": "city", "operator": "equals", "values": ["London"] } ] }""";
        Services.GetRequiredService<NavigationManager>().NavigateTo($"segments/new?rules={Uri.EscapeDataString(rules)}&name=Londoners");

        var page = Render<SegmentEditorPage>();

        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=size-value]").GetAttribute("data-size")), WaitTimeout);
        Assert.Contains("Customers whose city is \"London\"", page.Find("[data-testid=segment-sentence]").TextContent);
        Assert.Equal("1", page.Find("[data-testid=channel-size][data-channel=Email]").GetAttribute("data-size"));
        Assert.Contains("no consent on record 1", page.Find("[data-testid=channel-size][data-channel=Email]").TextContent);
        Assert.Equal("Londoners", page.Find("[data-testid=segment-name] input, input[data-testid=segment-name]").GetAttribute("value"));
        // Marketers see names but not contact details.
        Assert.DoesNotContain("ann@example.com", page.Find("[data-testid=segment-preview]").TextContent);
    }

    [Fact]
    public async Task SegmentsPage_NoSegments_SaysHowToStart()
    {
        await StoreAsync();
        SignInAs("marketer@example.com", PortalRoles.Marketer);
        RenderAsInteractive();
        Render<MudPopoverProvider>();

        var page = Render<SegmentsPage>();

        page.WaitForAssertion(() => Assert.Contains("No segments yet", page.Find("[data-testid=empty-state]").TextContent), WaitTimeout);
    }

    [Fact]
    public async Task SegmentsPage_ListsSavedSegmentsWithTheirSentence()
    {
        var store = await StoreAsync();
        await store.Host.Services.GetRequiredService<SegmentCatalog>().CreateAsync("Londoners", SegmentRuleJson.Parse(
            """{ "type": "group", "combinator": "all", "rules": [ { "type": "field", "field": "city", "operator": "equals", "values": ["London"] } ] }"""),
            new AuditActor("u", "marketer@example.com"));
        SignInAs("marketer@example.com", PortalRoles.Marketer);
        RenderAsInteractive();
        Render<MudPopoverProvider>();

        var page = Render<SegmentsPage>();

        page.WaitForAssertion(() => Assert.Contains("Customers whose city is \"London\"", page.Find("[data-testid=segment-row][data-name=Londoners]").TextContent), WaitTimeout);
        Assert.Contains("computing", page.Find("[data-testid=segment-size]").TextContent);
    }
}
