using Customer360Portal.Core.Ingestion;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

/// <summary>Reasons are shown in admin screens and written to logs: they name the field, never the value.</summary>
public class ReasonPrivacyTests
{
    [Theory]
    [InlineData(RecordKinds.Contact, "email", "jane.secret.doe@@example.com")]
    [InlineData(RecordKinds.Contact, "email", "jane.secret.doe@example")]
    [InlineData(RecordKinds.Contact, "phone", "+44 20 7946 001")]
    [InlineData(RecordKinds.Contact, "phone", "07700 900123 ask for Jane")]
    [InlineData(RecordKinds.Contact, "firstName", "Jane<Secret>")]
    [InlineData(RecordKinds.Contact, "lastName", "Doe-Secret-1985")]
    [InlineData(RecordKinds.Contact, "dateOfBirth", "14/03/1985")]
    [InlineData(RecordKinds.Contact, "dateOfBirth", "1885-03-14")]
    [InlineData(RecordKinds.Contact, "id", "jane.doe@example.com <x>")]
    [InlineData(RecordKinds.Contact, "loyaltyNumber", "LOY 9931 2211")]
    [InlineData(RecordKinds.Ticket, "name", "Secret Person 2nd")]
    [InlineData(RecordKinds.Ticket, "subject", "Card 4111 1111 1111 1111\u0007")]
    [InlineData(RecordKinds.EmailEvent, "email", "secret.person@")]
    [InlineData(RecordKinds.Order, "total", "12.50 GBP (secret)")]
    [InlineData(RecordKinds.Order, "currency", "SECRETCOIN")]
    public void Normalise_BadPersonalValue_ReasonNamesTheFieldButNotTheValue(string kind, string field, string value)
    {
        var result = Normalise(kind, With(kind, (field, value)));

        Assert.False(result.IsValid);
        var reason = Assert.Single(result.Errors);
        Assert.StartsWith(field + ": ", reason);
        Assert.DoesNotContain(value, reason, StringComparison.OrdinalIgnoreCase);
        foreach (var fragment in value.Split(' ', '@', '<', '>', '(', ')', '-', '/', '.'))
        {
            if (fragment.Length >= 4) Assert.DoesNotContain(fragment, reason, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Normalise_BadIdentifyTraitWithAPersonalKey_DoesNotQuoteTheKey()
    {
        var traits = Node("""{"jane.doe@example.com":{"nested":true},"ssn 123-45-6789":"x\u0001"}""");

        var errors = AssertInvalid(RecordKinds.Contact, With(RecordKinds.Contact, ("traits", traits)));

        Assert.All(errors, e => Assert.DoesNotContain("jane", e, StringComparison.OrdinalIgnoreCase));
        Assert.All(errors, e => Assert.DoesNotContain("6789", e, StringComparison.Ordinal));
    }
}
