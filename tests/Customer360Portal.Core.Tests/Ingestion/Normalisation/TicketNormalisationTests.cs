using Customer360Portal.Core.Ingestion;
using Customer360Portal.Data.Model;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class TicketNormalisationTests
{
    private const string Ticket = RecordKinds.Ticket;

    [Fact]
    public void Normalise_ExampleTicket_GivesCanonicalValuesAndInteraction()
    {
        var record = AssertValid(Ticket, ExampleTicket);

        Assert.Equal("T-1", record.ExternalId);
        Assert.Equal(new DateTime(2026, 5, 3, 8, 0, 0, DateTimeKind.Utc), record.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, record.OccurredAt.Kind);
        Assert.Equal("jane@example.com", record.Email);
        Assert.Equal("Jane", record.GivenName);
        Assert.Equal("O'Neil", record.FamilyName);
        Assert.Equal("ticket.opened", record.InteractionType);
        Assert.Equal(InteractionChannel.Chat, record.Channel);
        Assert.Equal("Ticket T-1: Parcel arrived damaged", record.Summary);
        Assert.Equal("T-1", record.Reference);
    }

    [Theory]
    [InlineData("<script>alert('x')</script>")]
    [InlineData("'; DROP TABLE tickets; --")]
    [InlineData("Refund ≠ credit — 100% sure?")]
    public void Normalise_MarkupOrSqlInTheSubject_IsKeptAsText(string subject)
    {
        var record = AssertValid(Ticket, With(Ticket, ("subject", subject)));

        Assert.Equal("Ticket T-1: " + subject, record.Summary);
    }

    [Fact]
    public void Normalise_MultiLineSubject_IsAcceptedAndSummarisedOnOneLine()
    {
        var record = AssertValid(Ticket, With(Ticket, ("subject", "Parcel\r\n\tarrived   damaged\n")));

        Assert.Equal("Ticket T-1: Parcel arrived damaged", record.Summary);
    }

    [Fact]
    public void Normalise_LongSubject_IsTruncatedTo120InTheSummary()
    {
        var subject = string.Concat(Enumerable.Repeat("abcdefghij", 30));

        var summary = AssertValid(Ticket, With(Ticket, ("subject", subject))).Summary!;

        Assert.Equal("Ticket T-1: " + subject[..119] + "…", summary);
    }

    [Theory]
    [InlineData("bad\u0000char")]
    [InlineData("bell\u0007")]
    [InlineData("escape \u001b[31m")]
    [InlineData("next\u0085line")]
    public void Normalise_ControlCharacterInTheSubject_IsRefused(string subject)
    {
        Assert.Equal(["subject: contains control characters"], AssertInvalid(Ticket, With(Ticket, ("subject", subject))));
    }

    [Theory]
    [InlineData("open", "ticket.opened")]
    [InlineData("pending", "ticket.opened")]
    [InlineData("solved", "ticket.solved")]
    [InlineData("CLOSED", "ticket.closed")]
    public void Normalise_Status_ChoosesTheInteractionType(string status, string type)
    {
        Assert.Equal(type, AssertValid(Ticket, With(Ticket, ("status", status))).InteractionType);
    }

    [Fact]
    public void Normalise_SolvedTicketWithUpdatedAt_HappenedWhenUpdated()
    {
        var record = AssertValid(Ticket, With(Ticket, ("status", "solved"), ("updatedAt", "2026-05-04T09:00:00+01:00")));

        Assert.Equal(new DateTime(2026, 5, 4, 8, 0, 0, DateTimeKind.Utc), record.OccurredAt);
    }

    [Fact]
    public void Normalise_OpenTicketWithUpdatedAt_HappenedWhenCreated()
    {
        var record = AssertValid(Ticket, With(Ticket, ("updatedAt", "2026-05-04T09:00:00Z")));

        Assert.Equal(new DateTime(2026, 5, 3, 8, 0, 0, DateTimeKind.Utc), record.OccurredAt);
    }

    [Theory]
    [InlineData("email", InteractionChannel.Email)]
    [InlineData("phone", InteractionChannel.Phone)]
    [InlineData("chat", InteractionChannel.Chat)]
    [InlineData("web", InteractionChannel.Web)]
    public void Normalise_Channel_MapsToTheInteractionChannel(string channel, InteractionChannel expected)
    {
        Assert.Equal(expected, AssertValid(Ticket, With(Ticket, ("channel", channel))).Channel);
    }

    [Fact]
    public void Normalise_NoChannel_IsEmail()
    {
        Assert.Equal(InteractionChannel.Email, AssertValid(Ticket, Without(Ticket, "channel")).Channel);
    }

    [Theory]
    [InlineData("status", "reopened", "status: must be one of open, pending, solved, closed")]
    [InlineData("priority", "critical", "priority: must be one of low, normal, high, urgent")]
    [InlineData("channel", "fax", "channel: must be one of email, phone, chat, web")]
    [InlineData("satisfaction", "great", "satisfaction: must be good, bad or a whole number from 1 to 5")]
    public void Normalise_UnknownChoice_IsRefused(string field, string value, string reason)
    {
        Assert.Equal([reason], AssertInvalid(Ticket, With(Ticket, (field, value))));
    }

    [Theory]
    [InlineData("good")]
    [InlineData("BAD")]
    [InlineData("5")]
    public void Normalise_SatisfactionAsWordOrDigit_IsAccepted(string satisfaction)
    {
        AssertValid(Ticket, With(Ticket, ("satisfaction", satisfaction)));
    }

    [Theory]
    [InlineData("mary ann smith", "Mary Ann", "Smith")]
    [InlineData("Mary Ann McSmith", "Mary Ann", "McSmith")]
    [InlineData("CHER", "Cher", null)]
    [InlineData("  jean-luc   picard ", "Jean-Luc", "Picard")]
    public void Normalise_FullName_IsSplitOnTheLastSpace(string name, string given, string? family)
    {
        var record = AssertValid(Ticket, With(Ticket, ("name", name)));

        Assert.Equal(given, record.GivenName);
        Assert.Equal(family, record.FamilyName);
    }

    [Fact]
    public void Normalise_PhoneOnly_IsEnoughIdentity()
    {
        var record = AssertValid(Ticket, With(Ticket, ("email", null), ("phone", "020 7946 0018")));

        Assert.Equal("+442079460018", record.Phone);
    }

    [Fact]
    public void Normalise_NoEmailOrPhone_IsRefused()
    {
        Assert.Equal(["email/phone: at least one is required"], AssertInvalid(Ticket, Without(Ticket, "email")));
    }

    [Fact]
    public void Normalise_MissingSubject_IsRefused()
    {
        Assert.Equal(["subject: is required"], AssertInvalid(Ticket, Without(Ticket, "subject")));
    }
}
