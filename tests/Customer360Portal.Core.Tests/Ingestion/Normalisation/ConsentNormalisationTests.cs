using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class ConsentNormalisationTests
{
    private const string Contact = """{"id":"C-1","updatedAt":"2026-05-01T07:30:00Z","email":"a@example.com","consent":CONSENT}""";

    private static string Web(string preferences) =>
        """{"messageId":"m-1","type":"page","anonymousId":"a-1","timestamp":"2026-06-01T10:00:00Z","context":{"ip":"198.51.100.7","consent":{"categoryPreferences":PREFS}}}"""
            .Replace("PREFS", preferences);

    [Fact]
    public void Contact_ConsentForms_AreAllRead()
    {
        var record = AssertValid(RecordKinds.Contact, Contact.Replace("CONSENT",
            """{"email_marketing":true,"SMSMARKETING":"withdrawn","post-marketing":false,"saleOrSharing":{"status":"granted","basis":"legitimateInterest","at":"2026-04-01T00:00:00Z","expiresAt":"2030-01-01T00:00:00Z","evidence":"form=x"},"other":true}"""));

        Assert.Equal(
            [(ConsentPurpose.EmailMarketing, ConsentStatus.Granted), (ConsentPurpose.SmsMarketing, ConsentStatus.Withdrawn),
             (ConsentPurpose.PostMarketing, ConsentStatus.Denied), (ConsentPurpose.SaleOrSharing, ConsentStatus.Granted)],
            record.Consent!.Select(c => (c.Purpose!.Value, c.Status)));
        var detailed = record.Consent![3];
        Assert.Equal((LawfulBasis.LegitimateInterest, new DateTime(2026, 4, 1), new DateTime(2030, 1, 1), "form=x"),
            (detailed.LawfulBasis!.Value, detailed.EffectiveAt!.Value, detailed.ExpiresAt!.Value, detailed.Evidence));
    }

    [Theory]
    [InlineData("""{"emailMarketing":42}""", "consent.EmailMarketing: must be true, false, granted, denied, withdrawn or an object with a status")]
    [InlineData("""{"emailMarketing":{"at":"2026-04-01T00:00:00Z"}}""", "consent.EmailMarketing.status: is required")]
    [InlineData("""{"emailMarketing":{"status":"granted","at":"2026-04-01T00:00:00Z","expiresAt":"2026-03-01T00:00:00Z"}}""", "consent.EmailMarketing.expiresAt: must be after at")]
    [InlineData("""["granted"]""", "consent: must be an object")]
    public void Contact_BadConsent_IsRefusedWithAReason(string consent, string reason)
    {
        Assert.Contains(reason, AssertInvalid(RecordKinds.Contact, Contact.Replace("CONSENT", consent)));
    }

    [Fact]
    public void Contact_WithoutConsent_HasNone()
    {
        Assert.Null(AssertValid(RecordKinds.Contact, """{"id":"C-1","updatedAt":"2026-05-01T07:30:00Z","email":"a@example.com"}""").Consent);
    }

    [Fact]
    public void WebEvent_CategoryPreferences_KeepTheCategoryWithEvidence()
    {
        var record = AssertValid(RecordKinds.WebEvent, Web("""{"Advertising":false,"Analytics":true,"":true}"""));

        Assert.Equal([("Advertising", ConsentStatus.Denied), ("Analytics", ConsentStatus.Granted)], record.Consent!.Select(c => (c.Category!, c.Status)));
        Assert.All(record.Consent!, c => Assert.Null(c.Purpose));
        Assert.Equal("event=page.viewed; ip=198.51.100.7", record.Consent![0].Evidence);
    }

    [Fact]
    public void WebEvent_NonBooleanPreference_IsRefused()
    {
        Assert.Contains("context.consent.categoryPreferences: values must be true or false",
            AssertInvalid(RecordKinds.WebEvent, Web("""{"Advertising":"yes-please"}""")));
    }

    [Fact]
    public void EmailUnsubscribe_WithdrawsEmailMarketing()
    {
        var record = AssertValid(RecordKinds.EmailEvent,
            """{"eventId":"E-1","email":"a@example.com","type":"unsubscribed","occurredAt":"2026-06-01T10:00:00Z","campaignId":"CMP-9"}""");
        var choice = Assert.Single(record.Consent!);
        Assert.Equal((ConsentPurpose.EmailMarketing, ConsentStatus.Withdrawn, "form=email unsubscribe; campaign=CMP-9"), (choice.Purpose!.Value, choice.Status, choice.Evidence));
    }
}
