using Customer360Portal.Core.Ingestion;
using Customer360Portal.Core.Ingestion.Normalisation;
using Customer360Portal.Data.Model;
using static Customer360Portal.Core.Tests.Ingestion.Normalisation.NormalisationTestKit;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

public class OrderNormalisationTests
{
    private const string Order = RecordKinds.Order;

    [Fact]
    public void Normalise_ExampleOrder_GivesCanonicalValuesAndInteraction()
    {
        var record = AssertValid(Order, ExampleOrder);

        Assert.Equal("1001", record.ExternalId);
        Assert.Equal(new DateTime(2026, 5, 2, 14, 15, 0, DateTimeKind.Utc), record.OccurredAt);
        Assert.Equal("GBP", record.Currency);
        Assert.Equal(4590, record.AmountMinor);
        Assert.Equal("order.placed", record.InteractionType);
        Assert.Equal(InteractionChannel.Web, record.Channel);
        Assert.Equal("Order 1001 · 3 items · 45.90 GBP", record.Summary);
        Assert.Equal("1001", record.Reference);
        Assert.Equal("ACC-77", record.AccountId);
        Assert.Equal("jane@example.com", record.Email);
        Assert.Equal("LS1 1AA", record.Postcode);
        Assert.Equal("GB", record.Country);
    }

    [Theory]
    [InlineData("web", InteractionChannel.Web)]
    [InlineData("App", InteractionChannel.App)]
    [InlineData("phone", InteractionChannel.Phone)]
    [InlineData("store", InteractionChannel.Store)]
    public void Normalise_Channel_IsWhereTheOrderWasPlaced(string channel, InteractionChannel expected)
    {
        var record = AssertValid(Order, With(Order, ("channel", channel)));

        Assert.Equal(expected, record.Channel);
    }

    [Fact]
    public void Normalise_UnknownChannel_IsRefusedWithTheChoices()
    {
        Assert.Equal(["channel: must be one of web, app, phone, store, email, chat"], AssertInvalid(Order, With(Order, ("channel", "fax"))));
    }

    [Theory]
    [InlineData("GBP", "45.90", 4590, "45.90")]
    [InlineData("GBP", "45.9", 4590, "45.90")]
    [InlineData("GBP", "45.900", 4590, "45.90")]
    [InlineData("gbp", "0", 0, "0.00")]
    [InlineData("JPY", "1200", 1200, "1200")]
    [InlineData("jpy", "1200.0", 1200, "1200")]
    [InlineData("KWD", "12.345", 12345, "12.345")]
    [InlineData("KWD", "1.5", 1500, "1.500")]
    [InlineData("BHD", "0.001", 1, "0.001")]
    [InlineData("EUR", "999999999999.99", 99999999999999, "999999999999.99")]
    public void Normalise_Total_BecomesExactMinorUnits(string currency, string total, long minor, string shown)
    {
        var record = AssertValid(Order, With(Order, ("currency", currency), ("total", total), ("lines", null)));

        Assert.Equal(minor, record.AmountMinor);
        Assert.Equal(currency.ToUpperInvariant(), record.Currency);
        Assert.Equal($"Order 1001 · {shown} {currency.ToUpperInvariant()}", record.Summary);
    }

    [Fact]
    public void Normalise_TotalAsJsonNumber_IsExact()
    {
        var record = AssertValid(Order, With(Order, ("total", 0.1m + 0.2m), ("lines", null)));

        Assert.Equal(30, record.AmountMinor);
    }

    [Theory]
    [InlineData("JPY", "1200.5", "total: has more decimal places than JPY allows")]
    [InlineData("GBP", "45.905", "total: has more decimal places than GBP allows")]
    [InlineData("KWD", "1.2345", "total: has more decimal places than KWD allows")]
    [InlineData("GBP", "-0.01", "total: must not be negative")]
    [InlineData("GBP", "1000000000000.01", "total: larger than 1000000000000")]
    [InlineData("GBP", "1,234.50", "total: must be a number or decimal string")]
    [InlineData("GBP", "£12", "total: must be a number or decimal string")]
    [InlineData("GBP", "1e3", "total: must be a number or decimal string")]
    [InlineData("XYZ", "10", "currency: not an active ISO 4217 currency code")]
    [InlineData("XAU", "10", "currency: not an active ISO 4217 currency code")]
    [InlineData("EURO", "10", "currency: not an active ISO 4217 currency code")]
    public void Normalise_BadTotalOrCurrency_IsRefused(string currency, string total, string reason)
    {
        Assert.Equal([reason], AssertInvalid(Order, With(Order, ("currency", currency), ("total", total), ("lines", null))));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Normalise_TotalOfTheWrongType_SaysWhatItMustBe(string total)
    {
        var errors = AssertInvalid(Order, With(Order, ("total", Node(total))));

        Assert.Equal(["total: must be a number or decimal string"], errors);
    }

    [Fact]
    public void Normalise_HugeJsonNumber_IsOutOfRange()
    {
        var json = ExampleOrder.Replace("\"45.90\"", "1e400", StringComparison.Ordinal);

        Assert.Equal(["total: out of range"], AssertInvalid(Order, json));
    }

    [Theory]
    [InlineData("placed", "order.placed")]
    [InlineData("paid", "order.placed")]
    [InlineData("shipped", "order.placed")]
    [InlineData("Delivered", "order.placed")]
    [InlineData("returned", "order.returned")]
    [InlineData("cancelled", "order.cancelled")]
    [InlineData("canceled", "order.cancelled")]
    public void Normalise_Status_ChoosesTheInteractionType(string status, string type)
    {
        Assert.Equal(type, AssertValid(Order, With(Order, ("status", status))).InteractionType);
    }

    [Fact]
    public void Normalise_NoStatus_IsPlaced()
    {
        Assert.Equal("order.placed", AssertValid(Order, Without(Order, "status")).InteractionType);
    }

    [Fact]
    public void Normalise_UnknownStatus_IsRefused()
    {
        Assert.Equal(["status: must be one of placed, paid, shipped, delivered, returned, cancelled"],
            AssertInvalid(Order, With(Order, ("status", "lost"))));
    }

    [Fact]
    public void Normalise_OneItem_SaysItem()
    {
        var json = With(Order, ("total", "12.95"), ("lines", Node("""[{"sku":"TEA-01","quantity":1,"unitPrice":12.95}]""")));

        Assert.Equal("Order 1001 · 1 item · 12.95 GBP", AssertValid(Order, json).Summary);
    }

    [Theory]
    [InlineData("""{"sku":"A","quantity":0,"unitPrice":1}""", "lines[2].quantity: must be a whole number of at least 1")]
    [InlineData("""{"sku":"A","quantity":1.5,"unitPrice":1}""", "lines[2].quantity: must be a whole number of at least 1")]
    [InlineData("""{"sku":"A","quantity":"2","unitPrice":1}""", "lines[2].quantity: must be a whole number of at least 1")]
    [InlineData("""{"sku":"A","unitPrice":1}""", "lines[2].quantity: is required")]
    [InlineData("""{"sku":"A","quantity":1000001,"unitPrice":1}""", "lines[2].quantity: larger than 1000000")]
    [InlineData("""{"sku":"A","quantity":1,"unitPrice":-1}""", "lines[2].unitPrice: must not be negative")]
    [InlineData("""{"sku":"A","quantity":1,"unitPrice":"1.005"}""", "lines[2].unitPrice: has more decimal places than GBP allows")]
    [InlineData("""{"sku":"A","quantity":1}""", "lines[2].unitPrice: is required")]
    [InlineData("""{"category":"Tea","quantity":1,"unitPrice":1}""", "lines[2]: needs a sku or a name")]
    [InlineData("""{"sku":7,"quantity":1,"unitPrice":1}""", "lines[2].sku: must be a string")]
    [InlineData("""{"name":"Tea\u0007","quantity":1,"unitPrice":1}""", "lines[2].name: contains control characters")]
    [InlineData("\"TEA-01\"", "lines[2]: must be an object")]
    public void Normalise_BadOrderLine_NamesTheLineAndField(string line, string reason)
    {
        var lines = $$"""[{"sku":"A","quantity":1,"unitPrice":1},{"name":"B","quantity":2,"unitPrice":"2.50"},{{line}}]""";

        Assert.Equal([reason], AssertInvalid(Order, With(Order, ("lines", Node(lines)))));
    }

    [Fact]
    public void Normalise_TooManyLines_IsRefusedWithoutCheckingEachLine()
    {
        var normaliser = new RecordNormaliser(new NormalisationOptions { Now = Now, MaxLines = 2 });
        var lines = """[{"sku":"A","quantity":1,"unitPrice":1},{"sku":"B","quantity":1,"unitPrice":1},{"quantity":0}]""";

        Assert.Equal(["lines: more than 2 lines"], AssertInvalid(Order, With(Order, ("lines", Node(lines))), normaliser));
    }

    [Fact]
    public void Normalise_LinesNotAnArray_IsRefused()
    {
        Assert.Equal(["lines: must be an array"], AssertInvalid(Order, With(Order, ("lines", Node("""{"sku":"A"}""")))));
    }

    [Fact]
    public void Normalise_NoAccountEmailOrPhone_IsRefused()
    {
        Assert.Equal(["accountId/email/phone: at least one is required"], AssertInvalid(Order, Without(Order, "accountId", "email")));
    }

    [Fact]
    public void Normalise_PhoneOnly_IsParsedInTheShippingCountry()
    {
        var json = With(Order, ("accountId", null), ("email", null), ("phone", "0612345678"),
            ("shippingAddress", Node("""{"country":"Netherlands"}""")));

        Assert.Equal("+31612345678", AssertValid(Order, json).Phone);
    }

    [Fact]
    public void Normalise_MissingRequiredFields_AreAllReported()
    {
        var errors = AssertInvalid(Order, """{"email":"a@example.com"}""");

        Assert.Equal(["orderNumber: is required", "placedAt: is required", "currency: is required", "total: is required"], errors);
    }
}
