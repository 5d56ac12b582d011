using System.Text;
using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using Microsoft.Extensions.Time.Testing;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class PayloadRulesTests
{
    [Fact]
    public void Normalise_EmptyPayload_IsRefusedAsEmpty()
    {
        var result = Normaliser.Normalise(RecordKinds.Contact, ReadOnlySpan<byte>.Empty);

        Assert.Equal(["payload: empty"], result.Errors);
        Assert.Null(result.ExternalId);
    }

    [Fact]
    public void Normalise_PayloadOverTheLimit_IsRefusedBeforeParsing()
    {
        var normaliser = new RecordNormaliser(new NormalisationOptions { Now = Now, MaxPayloadBytes = 100 });
        var payload = Utf8(ExampleContact);

        var result = normaliser.Normalise(RecordKinds.Contact, payload);

        Assert.Equal(["payload: larger than 100 bytes"], result.Errors);
        Assert.Null(result.ExternalId);
    }

    [Fact]
    public void Normalise_DefaultLimit_AcceptsExactly64KiBAndRefusesOneByteMore()
    {
        var atLimit = MalformedCorpus.ValidOddities().Single(r => r.Description == "payload exactly at the size limit");
        var overLimit = MalformedCorpus.Records().Single(r => r.Description == "payload one byte over the limit");
        Assert.Equal(65536, atLimit.Payload.Length);
        Assert.Equal(65537, overLimit.Payload.Length);

        Assert.True(Normaliser.Normalise(atLimit.Kind, atLimit.Payload).IsValid);
        Assert.Equal(["payload: larger than 65536 bytes"], Normaliser.Normalise(overLimit.Kind, overLimit.Payload).Errors);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x7D, 0xFF })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D })]
    public void Normalise_InvalidUtf8_IsRefusedAsNotUtf8(byte[] payload)
    {
        Assert.Equal(["payload: not valid UTF-8"], Normaliser.Normalise(RecordKinds.Contact, payload).Errors);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"id\":\"CRM-1\"}]")]
    [InlineData("42")]
    [InlineData("\"CRM-1\"")]
    [InlineData("null")]
    public void Normalise_JsonThatIsNotAnObject_IsRefused(string json)
    {
        Assert.Equal(["payload: must be a JSON object"], Normalise(RecordKinds.Contact, json).Errors);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{'id':'CRM-1'}")]
    [InlineData("{\"id\":\"CRM-1\",}")]
    [InlineData("{\"id\":\"CRM-1\"} trailing")]
    [InlineData("   ")]
    [InlineData("{\"id\":}")]
    public void Normalise_BadSyntax_IsRefusedAsNotJson(string json)
    {
        Assert.Equal(["payload: not valid JSON"], Normalise(RecordKinds.Contact, json).Errors);
    }

    [Fact]
    public void Normalise_EscapedLoneSurrogate_IsRefused()
    {
        var errors = AssertInvalid(RecordKinds.Contact, "{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"firstName\":\"A\\ud800\"}");

        Assert.Equal(["payload: contains an escape sequence that is not a valid character"], errors);
    }

    [Fact]
    public void Normalise_NestingAtTheLimit_IsAcceptedAndOneDeeperRefused()
    {
        // The record's object is level 1, so 15 nested arrays reach level 16.
        AssertValid(RecordKinds.Contact, With(RecordKinds.Contact, ("extra", Node(new string('[', 15) + new string(']', 15)))));

        var errors = AssertInvalid(RecordKinds.Contact, With(RecordKinds.Contact, ("extra", Node(new string('[', 16) + new string(']', 16)))));
        Assert.Equal(["payload: nested deeper than 16 levels"], errors);
    }

    [Fact]
    public void Normalise_CustomMaxDepth_CountsTheRecordAsLevelOne()
    {
        var normaliser = new RecordNormaliser(new NormalisationOptions { Now = Now, MaxDepth = 3 });

        AssertValid(RecordKinds.Contact, """{"id":"C-1","updatedAt":"2026-01-01T00:00:00Z","accountId":"A","address":{"line1":"x"},"x":[[1]]}""", normaliser);
        Assert.Equal(["payload: nested deeper than 3 levels"],
            AssertInvalid(RecordKinds.Contact, """{"id":"C-1","updatedAt":"2026-01-01T00:00:00Z","accountId":"A","x":[[[1]]]}""", normaliser));
    }

    [Fact]
    public void Normalise_OverLongKnownField_NamesTheField()
    {
        var errors = AssertInvalid(RecordKinds.Ticket, With(RecordKinds.Ticket, ("subject", new string('x', 1001))));

        Assert.Equal(["subject: longer than 1000 characters"], errors);
    }

    [Fact]
    public void Normalise_OverLongUnknownField_IsAPayloadReason()
    {
        var errors = AssertInvalid(RecordKinds.Contact, With(RecordKinds.Contact, ("notes", new string('x', 1001))));

        Assert.Equal(["payload: contains a string longer than 1000 characters"], errors);
    }

    [Fact]
    public void Normalise_StringAtTheFieldLimit_IsAccepted()
    {
        AssertValid(RecordKinds.Contact, With(RecordKinds.Contact, ("notes", new string('x', 1000)), ("ü", new string('ü', 1000))));
    }

    [Fact]
    public void Normalise_RepeatedPropertyName_IsRefusedButStillReportsTheRest()
    {
        var result = Normalise(RecordKinds.Contact,
            """{"id":"CRM-1","updatedAt":"2026-01-01T00:00:00Z","email":"a@example.com","email":"b@example.com","phone":"12"}""");

        Assert.False(result.IsValid);
        Assert.Equal(["payload: has repeated property names", "phone: not a valid phone number"], result.Errors);
        Assert.Equal("CRM-1", result.ExternalId);
    }

    [Theory]
    [InlineData("Contact")]
    [InlineData("contacts")]
    [InlineData("")]
    [InlineData("<script>alert(1)</script>")]
    public void Normalise_UnknownKind_IsRefusedWithoutQuotingIt(string kind)
    {
        var result = Normaliser.Normalise(kind, Utf8(ExampleContact));

        Assert.Equal(["kind: unknown record kind"], result.Errors);
    }

    [Fact]
    public void Normalise_NullKindAndEmptyPayload_ReportsBoth()
    {
        var result = Normaliser.Normalise(null!, ReadOnlySpan<byte>.Empty);

        Assert.Equal(["kind: unknown record kind", "payload: empty"], result.Errors);
    }

    [Fact]
    public void Normalise_ByteOrderMark_IsIgnored()
    {
        byte[] payload = [0xEF, 0xBB, 0xBF, .. Utf8(ExampleContact)];

        Assert.True(Normaliser.Normalise(RecordKinds.Contact, payload).IsValid);
    }

    [Fact]
    public void Normalise_IncomingRecord_UsesItsKindAndPayload()
    {
        var record = new IncomingRecord("crm", RecordKinds.Contact, Utf8(ExampleContact), Now);

        Assert.Equal("CRM-000123", Normaliser.Normalise(record).Record!.ExternalId);
    }

    [Fact]
    public void Normalise_SeveralBrokenFields_CollectsEveryReasonInFieldOrder()
    {
        var json = With(RecordKinds.Contact, ("email", "jane@"), ("phone", "12"), ("dateOfBirth", "14/03/1985"), ("firstName", "R2D2"));

        var errors = AssertInvalid(RecordKinds.Contact, json);

        Assert.Equal(
        [
            "firstName: contains characters not allowed in a name",
            "email: not a valid email address",
            "phone: not a valid phone number",
            "dateOfBirth: must be a date in yyyy-MM-dd form",
        ], errors);
    }

    [Fact]
    public void Normalise_InvalidRecordWithAReadableId_ReportsTheExternalId()
    {
        var result = Normalise(RecordKinds.Contact, With(RecordKinds.Contact, ("email", "not-an-email")));

        Assert.False(result.IsValid);
        Assert.Equal("CRM-000123", result.ExternalId);
    }

    [Fact]
    public void Normalise_IdWithDisallowedButHarmlessCharacters_IsRefusedYetShownForQuarantine()
    {
        var result = Normalise(RecordKinds.Contact, With(RecordKinds.Contact, ("id", " CRM 42 ")));

        Assert.Equal(["id: contains characters not allowed in an identifier"], result.Errors);
        Assert.Equal("CRM 42", result.ExternalId);
    }

    [Theory]
    [InlineData("CRM\u0000-1")]
    [InlineData("CRM-1\nFAKE LOG LINE")]
    [InlineData("CRM-\u202E1")]
    public void Normalise_IdWithControlOrInvisibleCharacters_IsNotShown(string id)
    {
        var result = Normalise(RecordKinds.Contact, With(RecordKinds.Contact, ("id", id)));

        Assert.Equal(["id: contains control or invisible characters"], result.Errors);
        Assert.Null(result.ExternalId);
    }

    [Fact]
    public void Normalise_IdLongerThan200_IsRefusedAndNotShown()
    {
        var result = Normalise(RecordKinds.Contact, With(RecordKinds.Contact, ("id", new string('7', 201))));

        Assert.Equal(["id: longer than 200 characters"], result.Errors);
        Assert.Null(result.ExternalId);
    }

    [Fact]
    public void Normalise_ThousandsOfProblems_KeepsTheFirst25AndCountsTheRest()
    {
        var lines = "[" + string.Join(",", Enumerable.Repeat("""{"quantity":0,"unitPrice":-1}""", 100)) + "]";
        var json = ExampleOrder.Replace("\"lines\": [", "\"lines\": " + lines + ", \"oldLines\": [", StringComparison.Ordinal);

        var errors = AssertInvalid(RecordKinds.Order, json);

        Assert.Equal(26, errors.Count);
        Assert.Equal("lines[0]: needs a sku or a name", errors[0]);
        Assert.Equal("payload: 275 more problems not listed", errors[^1]);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("")]
    [InlineData("United Kingdom")]
    public void Constructor_UnknownDefaultRegion_Throws(string region)
    {
        Assert.Throws<ArgumentException>(() => new RecordNormaliser(new NormalisationOptions { DefaultRegion = region }));
    }

    [Fact]
    public void Constructor_DepthBelowTwo_Throws()
    {
        Assert.Throws<ArgumentException>(() => new RecordNormaliser(new NormalisationOptions { MaxDepth = 1 }));
    }

    [Fact]
    public void Normalise_WithoutFixedNow_UsesTheTimeProvider()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var normaliser = new RecordNormaliser(new NormalisationOptions(), clock);
        var json = With(RecordKinds.Contact, ("updatedAt", "2029-12-31T00:00:00Z"));

        AssertValid(RecordKinds.Contact, json, normaliser);
        Assert.Equal(["updatedAt: is more than a day in the future"], AssertInvalid(RecordKinds.Contact, json));
    }

    [Fact]
    public void Normalise_OptionsChangedAfterConstruction_HaveNoEffect()
    {
        var options = new NormalisationOptions { Now = Now };
        var normaliser = new RecordNormaliser(options);
        options.MaxPayloadBytes = 10;

        AssertValid(RecordKinds.Contact, ExampleContact, normaliser);
    }

    [Fact]
    public void Normalise_NeverThrows_ForRandomBytes()
    {
        var random = new Random(20261129);
        var buffer = new byte[512];
        for (int i = 0; i < 2000; i++)
        {
            int length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            // Half of them start like a record so the parser gets past the first byte.
            if (i % 2 == 0 && length > 8) Encoding.UTF8.GetBytes("{\"id\":\"").CopyTo(buffer, 0);
            var result = Normaliser.Normalise(RecordKinds.All[i % 5], buffer.AsSpan(0, length));
            Assert.False(result.IsValid);
            Assert.DoesNotContain(RecordNormaliser.Reasons.CouldNotProcess, result.Errors);
        }
    }
}
