using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Customer360Portal.Core.Ingestion;

namespace Customer360Portal.Core.Tests.Ingestion.Normalisation;

/// <summary>One corpus entry: the kind it is sent as, the raw bytes, and what makes it special.</summary>
public sealed record CorpusRecord(string Kind, byte[] Payload, string Description)
{
    public override string ToString() => Description;
}

/// <summary>
/// A deterministic corpus of hostile and malformed intake records, built in code, for any test that feeds intake:
/// <see cref="Records"/> must all be refused (each with at least one reason) and <see cref="ValidOddities"/> must all
/// be accepted even though they look odd. It assumes the default <c>NormalisationOptions</c> limits (64 KiB payload,
/// depth 16, 1,000-character strings, 500 lines, region GB) and does not depend on the clock (past dates are in
/// 2026 or earlier, future ones in 2999). Every call builds fresh arrays, so callers may keep or change them.
/// </summary>
public static class MalformedCorpus
{
    public const int MaxPayloadBytes = 65536;
    public const int MaxDepth = 16;
    public const int MaxFieldLength = 1000;
    public const int MaxLines = 500;

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Records that must be refused: at least 200, all different.</summary>
    public static IReadOnlyList<CorpusRecord> Records()
    {
        var corpus = new List<CorpusRecord>(512);
        AddPayloadLevel(corpus);
        AddFieldLevel(corpus);
        AddKindSpecific(corpus);
        return corpus;
    }

    // ------------------------------------------------------------------ payload level

    private static void AddPayloadLevel(List<CorpusRecord> c)
    {
        const string contact = RecordKinds.Contact;
        c.Add(new(contact, [], "empty payload"));
        c.Add(Text(contact, "   \r\n\t ", "whitespace only"));
        c.Add(new(contact, [0xEF, 0xBB, 0xBF], "byte order mark only"));
        c.Add(Text(contact, "null", "JSON null"));
        c.Add(Text(contact, "true", "JSON true"));
        c.Add(Text(contact, "42", "JSON number"));
        c.Add(Text(contact, "\"CRM-1\"", "JSON string"));
        c.Add(Text(contact, "[]", "empty array"));
        c.Add(Text(contact, "[" + NormalisationTestKit.ExampleContact + "]", "array holding a valid contact"));
        c.Add(Text(RecordKinds.Order, "[" + NormalisationTestKit.ExampleOrder + "," + NormalisationTestKit.ExampleOrder + "]", "array of orders"));
        c.Add(Text(contact, "{}", "empty object"));

        foreach (var kind in RecordKinds.All)
        {
            var bytes = Encoding.UTF8.GetBytes(NormalisationTestKit.Example(kind));
            foreach (var fraction in new[] { 0.02, 0.25, 0.5, 0.75, 0.98 })
            {
                int cut = Math.Max(1, (int)(bytes.Length * fraction));
                c.Add(new(kind, bytes[..cut], $"{kind} truncated at {fraction:P0}"));
            }
        }
        c.Add(new(contact, Encoding.UTF8.GetBytes(NormalisationTestKit.ExampleContact)[..^1], "contact missing its closing brace only"));

        string[] syntax =
        [
            "{'id': 'CRM-1', 'updatedAt': '2026-01-01T00:00:00Z'}",
            "{id: \"CRM-1\", updatedAt: \"2026-01-01T00:00:00Z\"}",
            "{\"id\": \"CRM-1\", \"updatedAt\": \"2026-01-01T00:00:00Z\",}",
            "{\"id\": \"CRM-1\" /* comment */, \"updatedAt\": \"2026-01-01T00:00:00Z\"}",
            "// comment\n{\"id\": \"CRM-1\"}",
            "{\"id\": \"CRM-1\", \"score\": NaN}",
            "{\"id\": \"CRM-1\", \"score\": Infinity}",
            "{\"id\": \"CRM-1\", \"score\": 01}",
            "{\"id\": \"CRM-1\", \"score\": .5}",
            "{\"id\": \"CRM-1\", \"score\": 1.}",
            "{\"id\": \"CRM-1\", \"score\": +1}",
            "{\"id\": \"CRM-1\"}}",
            "{\"id\": \"CRM-1\"} {\"id\": \"CRM-2\"}",
            "{\"id\": \"CRM-1\"}garbage",
            "{\"id\": \"CRM-1\" \"updatedAt\": \"2026-01-01T00:00:00Z\"}",
            "{\"id\" \"CRM-1\"}",
            "{\"id\": \"CRM-1}",
            "{\"id\": \"CRM\u0001-1\"}",
            "{\"id\": \"CRM\n-1\"}",
            "{\"id\": \"CRM-1\\x41\"}",
            "{\"id\": \"CRM-1\\u12G4\"}",
            "{\"id\": undefined}",
            "{\"id\": None}",
            "{\"id\": \"CRM-1\", \"email\": \"a@example.com\"\u0000}",
            "\u0000",
            "{\"id\": [\"CRM-1\", }",
            "{\"id\": \"CRM-1\", \"address\": {\"city\": \"Leeds\"}",
            "<contact><id>CRM-1</id></contact>",
            "id=CRM-1&updatedAt=2026-01-01",
            "{\"id\": 'CRM-1'}",
        ];
        for (int i = 0; i < syntax.Length; i++) c.Add(Text(contact, syntax[i], $"bad JSON syntax #{i + 1}"));

        // Invalid UTF-8: the bytes inside an otherwise fine contact's firstName (or property name).
        (byte[] Bytes, string What)[] badUtf8 =
        [
            ([0x80], "lone continuation byte"),
            ([0xC3, 0x28], "two-byte sequence with a bad continuation"),
            ([0xFF], "byte 0xFF"),
            ([0xFE], "byte 0xFE"),
            ([0xC0, 0xAF], "overlong two-byte slash"),
            ([0xE0, 0x80, 0xAF], "overlong three-byte slash"),
            ([0xED, 0xA0, 0x80], "UTF-8-encoded high surrogate"),
            ([0xED, 0xBF, 0xBF], "UTF-8-encoded low surrogate"),
            ([0xF4, 0x90, 0x80, 0x80], "code point above U+10FFFF"),
            ([0xF8, 0x88, 0x80, 0x80, 0x80], "five-byte sequence"),
            ([0xE2, 0x82], "truncated three-byte sequence"),
            ([0x4A, 0x6F, 0x73, 0xE9], "Latin-1 encoded José"),
        ];
        foreach (var (bytes, what) in badUtf8)
        {
            c.Add(new(contact, Concat("{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"firstName\":\"", bytes, "\"}"), $"invalid UTF-8 in a value: {what}"));
        }
        c.Add(new(contact, Concat("{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"first", [0xC3, 0x28], "\":\"Jane\"}"), "invalid UTF-8 in a property name"));
        c.Add(new(contact, Concat("{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"firstName\":\"Jane\"}", [0xE2, 0x82]), "invalid UTF-8 after the object"));
        c.Add(new(contact, Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"firstName\":\"Jane\"}")).ToArray(), "UTF-16LE with byte order mark"));
        c.Add(new(contact, Encoding.BigEndianUnicode.GetBytes("{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"firstName\":\"Jane\"}"), "UTF-16BE without byte order mark"));
        c.Add(new(contact, Encoding.UTF32.GetBytes("{\"id\":\"CRM-1\"}"), "UTF-32"));

        // Escapes that decode to lone surrogates.
        c.Add(Text(contact, "{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"firstName\":\"Ja\\ud800ne\"}", "escaped lone high surrogate in a name"));
        c.Add(Text(contact, "{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"email\":\"a@example.com\",\"x\":\"\\udc00\"}", "escaped lone low surrogate in an unknown field"));
        c.Add(Text(contact, "{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"email\":\"a@example.com\",\"\\ud800\":1}", "escaped lone surrogate in a property name"));
        c.Add(Text(contact, "{\"id\":\"CRM-1\\ud83d\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"email\":\"a@example.com\"}", "high surrogate at the end of the id"));

        // Nesting.
        c.Add(Text(contact, WithUnknownField(NormalisationTestKit.ExampleContact, Nested(MaxDepth, '[')), "nesting one level deeper than allowed (arrays)"));
        c.Add(Text(contact, WithUnknownField(NormalisationTestKit.ExampleContact, Nested(MaxDepth, '{')), "nesting one level deeper than allowed (objects)"));
        c.Add(Text(contact, WithUnknownField(NormalisationTestKit.ExampleContact, Nested(64, '[')), "nesting 65 levels"));
        c.Add(Text(contact, new string('[', 20000) + new string(']', 20000), "20,000 nested arrays"));
        c.Add(Text(contact, "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5001), "5,000 nested objects"));
        c.Add(Text(contact, new string('[', 30000), "30,000 unclosed arrays"));

        // Size.
        c.Add(Text(contact, PadTo(NormalisationTestKit.ExampleContact, MaxPayloadBytes + 1), "payload one byte over the limit"));
        c.Add(Text(contact, PadTo(NormalisationTestKit.ExampleContact, 1_000_000), "payload of one megabyte"));
        c.Add(new(contact, new byte[MaxPayloadBytes + 10], "payload of NUL bytes over the limit"));
        c.Add(new(contact, Enumerable.Repeat((byte)' ', 5000).ToArray(), "five thousand spaces"));

        // Over-long strings.
        var longText = new string('a', MaxFieldLength + 1);
        c.Add(Text(RecordKinds.Ticket, NormalisationTestKit.With(RecordKinds.Ticket, ("subject", longText)), "subject one character too long"));
        c.Add(Text(contact, NormalisationTestKit.With(RecordKinds.Contact, ("firstName", new string('A', 5000))), "first name of 5,000 characters"));
        c.Add(Text(contact, NormalisationTestKit.With(RecordKinds.Contact, ("id", new string('1', MaxFieldLength + 1))), "id over the field length"));
        c.Add(Text(contact, NormalisationTestKit.With(RecordKinds.Contact, ("notes", longText)), "unknown field with an over-long string"));
        c.Add(Text(contact, NormalisationTestKit.With(RecordKinds.Contact, (new string('k', MaxFieldLength + 1), "v")), "property name over the field length"));
        c.Add(Text(contact, NormalisationTestKit.With(RecordKinds.Contact, ("traits", NormalisationTestKit.Node($$"""{"bio":"{{longText}}"}"""))), "trait value over the field length"));
        c.Add(Text(RecordKinds.WebEvent, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("properties", NormalisationTestKit.Node($$"""{"blob":"{{longText}}"}"""))), "long string deep in track properties"));
        c.Add(Text(contact, NormalisationTestKit.With(RecordKinds.Contact, ("notes", NormalisationTestKit.Node("\"" + string.Concat(Enumerable.Repeat("\\u0041", MaxFieldLength + 1)) + "\""))), "escaped string that decodes over the limit"));

        // Repeated property names.
        c.Add(Text(contact, "{\"id\":\"CRM-1\",\"id\":\"CRM-2\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"email\":\"a@example.com\"}", "id given twice"));
        c.Add(Text(contact, "{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"email\":\"a@example.com\",\"email\":\"b@example.com\"}", "email given twice"));
        c.Add(Text(contact, "{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"email\":\"a@example.com\",\"address\":{\"country\":\"GB\",\"country\":\"US\"}}", "address country given twice"));
        c.Add(Text(RecordKinds.Order, NormalisationTestKit.ExampleOrder.Replace("\"quantity\": 2,", "\"quantity\": 2, \"quantity\": 3,", StringComparison.Ordinal), "order line quantity given twice"));
        c.Add(Text(contact, "{\"id\":\"CRM-1\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"email\":\"a@example.com\",\"x\":1,\"x\":1}", "unknown field given twice"));

        // Unknown kinds (the payload itself is a fine contact).
        string[] kinds = ["Contact", "CONTACT", "contacts", "", " contact", "contact ", "customer", "<script>alert(1)</script>",
            "contact\u0000", "order; DROP TABLE source_records;--", new string('k', 10_000), "web-event", "emailEvent"];
        for (int i = 0; i < kinds.Length; i++)
        {
            c.Add(new(kinds[i], Encoding.UTF8.GetBytes(NormalisationTestKit.ExampleContact), $"unknown kind #{i + 1}"));
        }

        // The right JSON sent as the wrong kind.
        c.Add(Text(RecordKinds.Contact, NormalisationTestKit.ExampleOrder, "order payload sent as a contact"));
        c.Add(Text(RecordKinds.Order, NormalisationTestKit.ExampleContact, "contact payload sent as an order"));
        c.Add(Text(RecordKinds.Ticket, NormalisationTestKit.ExampleEmailEvent, "email event payload sent as a ticket"));
        c.Add(Text(RecordKinds.EmailEvent, NormalisationTestKit.ExampleIdentify, "web event payload sent as an email event"));
        c.Add(Text(RecordKinds.WebEvent, NormalisationTestKit.ExampleTicket, "ticket payload sent as a web event"));
    }

    // ------------------------------------------------------------------ field level

    private static readonly string[] BadIds =
    [
        "true", "[]", "{}", "1.5", "-3", "1e3", "\"a b\"", "\"<script>alert(1)</script>\"", "\"1; DROP TABLE customers;--\"",
        "\"' OR '1'='1\"", "\"x\\u0000y\"", "\"line\\nbreak\"", "\"\\u202Eevil\"", "\"zero\\u200Bwidth\"", "\"back\\\\slash\"",
        "\"" + new string('9', 201) + "\"",
    ];
    private static readonly string[] BadNames =
    [
        "12", "[]", "\"R2D2\"", "\"<script>alert(1)</script>\"", "\"Robert'); DROP TABLE Students;--\"", "\"Jo\\u0000hn\"",
        "\"\\\"Jon\\\"\"", "\"Ann (Annie)\"", "\"Jon\\tSmith\"", "\"Jon\\nSmith\"", "\"" + new string('a', 101) + "\"", "\"jane@example.com\"",
    ];
    private static readonly string[] BadEmails =
    [
        "true", "12", "\"not-an-email\"", "\"jane@localhost\"", "\"jane doe@example.com\"", "\"<script>@example.com\"",
        "\"jane@@example.com\"", "\"jane..doe@example.com\"", "\"jane@example..com\"", "\"@example.com\"", "\"jane@\"",
        "\"jane@-example.com\"", "\"jane@1.2.3.4\"", "\"jané@example.com\"", "\"" + new string('a', 64) + "@" + new string('b', 186) + ".com\"",
        "\"jane@example.com; DROP TABLE x\"",
    ];
    private static readonly string[] BadPhones =
    [
        "true", "[]", "\"12\"", "\"call me\"", "\"+44 20 7946\"", "\"0000000000\"", "\"+44 20 7946 0018; DROP TABLE x\"",
        "\"<script>alert(1)</script>\"", "\"+999 123 456 789\"", "-44", "\"+44 20 7946 0018\\u0000\"",
    ];
    private static readonly string[] BadTimestamps =
    [
        "12", "true", "\"yesterday\"", "\"2026-13-01T00:00:00Z\"", "\"2026-02-30T10:00:00\"", "\"2999-01-01T00:00:00Z\"",
        "\"1969-12-31T23:59:59Z\"", "\"1900-01-01\"", "\"2026-05-01 10:00:00\"", "\"01/05/2026\"", "\"2026-05-01T25:00:00Z\"",
        "\"2026-05-01T10:00:00+25:00\"", "\"0001-01-01T00:00:00-01:00\"",
    ];
    private static readonly string[] BadDatesOfBirth =
    [
        "\"1990/01/02\"", "\"02-01-1990\"", "\"2999-01-01\"", "\"1850-01-01\"", "19900101", "\"1990-01-01T00:00:00Z\"", "\"1990-02-30\"",
    ];
    private static readonly string[] BadTotals =
    [
        "\"abc\"", "true", "[]", "{}", "-1", "\"-5.00\"", "1e13", "\"1,234.50\"", "1e400", "\"12.345\"", "\"NaN\"", "\"Infinity\"",
        "\"1e3\"", "99999999999999999999999999999999", "\"12.50 GBP\"", "\"£12.50\"",
    ];
    private static readonly string[] BadCurrencies = ["\"XYZ\"", "\"GBPX\"", "826", "\"gb\"", "\"XAU\"", "\"£\"", "\"US$\"", "[]"];
    private static readonly string[] BadChoices = ["\"unknown\"", "1", "true", "\"<script>\"", "[]"];
    private static readonly string[] BadObjects = ["\"x\"", "[]", "12", "true"];
    private static readonly string[] BadCountries = ["\"Atlantis\"", "\"XX\"", "12", "\"<script>\"", "\"G B\""];

    private static void AddFieldLevel(List<CorpusRecord> c)
    {
        // Required fields, one at a time.
        (string Kind, string Field)[] required =
        [
            (RecordKinds.Contact, "id"), (RecordKinds.Contact, "updatedAt"),
            (RecordKinds.Order, "orderNumber"), (RecordKinds.Order, "placedAt"), (RecordKinds.Order, "currency"), (RecordKinds.Order, "total"),
            (RecordKinds.Ticket, "ticketId"), (RecordKinds.Ticket, "createdAt"), (RecordKinds.Ticket, "subject"),
            (RecordKinds.EmailEvent, "eventId"), (RecordKinds.EmailEvent, "email"), (RecordKinds.EmailEvent, "type"), (RecordKinds.EmailEvent, "occurredAt"),
            (RecordKinds.WebEvent, "messageId"), (RecordKinds.WebEvent, "type"), (RecordKinds.WebEvent, "timestamp"),
        ];
        foreach (var (kind, field) in required)
        {
            c.Add(Text(kind, NormalisationTestKit.Without(kind, field), $"{kind} without {field}"));
            c.Add(Text(kind, NormalisationTestKit.With(kind, (field, JsonValue.Create(""))), $"{kind} with an empty {field}"));
            c.Add(Text(kind, Replace(NormalisationTestKit.Example(kind), field, "null"), $"{kind} with a null {field}"));
        }
        c.Add(Text(RecordKinds.Contact, NormalisationTestKit.Without(RecordKinds.Contact, "firstName", "lastName", "email", "phone", "accountId"), "contact with no name, email, phone or account"));
        c.Add(Text(RecordKinds.Order, NormalisationTestKit.Without(RecordKinds.Order, "accountId", "email", "phone"), "order with no account, email or phone"));
        c.Add(Text(RecordKinds.Ticket, NormalisationTestKit.Without(RecordKinds.Ticket, "email", "phone"), "ticket with no email or phone"));
        c.Add(Text(RecordKinds.WebEvent, NormalisationTestKit.Without(RecordKinds.WebEvent, "anonymousId", "userId"), "web event with no anonymous or user id"));

        AddBad(c, RecordKinds.Contact, "id", BadIds);
        AddBad(c, RecordKinds.Order, "orderNumber", BadIds[..8]);
        AddBad(c, RecordKinds.Ticket, "ticketId", BadIds[6..12]);
        AddBad(c, RecordKinds.EmailEvent, "eventId", BadIds[..5]);
        AddBad(c, RecordKinds.WebEvent, "messageId", BadIds[6..]);
        AddBad(c, RecordKinds.Contact, "accountId", BadIds[..8]);
        AddBad(c, RecordKinds.WebEvent, "userId", BadIds[6..10]);
        AddBad(c, RecordKinds.WebEvent, "anonymousId", BadIds[..4]);
        AddBad(c, RecordKinds.EmailEvent, "campaignId", BadIds[6..10]);

        AddBad(c, RecordKinds.Contact, "firstName", BadNames);
        AddBad(c, RecordKinds.Contact, "lastName", BadNames[..6]);
        AddBad(c, RecordKinds.Ticket, "name", BadNames[2..8]);

        AddBad(c, RecordKinds.Contact, "email", BadEmails);
        AddBad(c, RecordKinds.EmailEvent, "email", BadEmails[..6]);
        AddBad(c, RecordKinds.Contact, "phone", BadPhones);
        AddBad(c, RecordKinds.Ticket, "phone", BadPhones[2..6]);

        AddBad(c, RecordKinds.Contact, "updatedAt", BadTimestamps);
        AddBad(c, RecordKinds.Order, "placedAt", BadTimestamps[..7]);
        AddBad(c, RecordKinds.Ticket, "createdAt", BadTimestamps[5..9]);
        AddBad(c, RecordKinds.Ticket, "updatedAt", BadTimestamps[2..6]);
        AddBad(c, RecordKinds.EmailEvent, "occurredAt", BadTimestamps[5..8]);
        AddBad(c, RecordKinds.WebEvent, "timestamp", BadTimestamps[3..7]);
        AddBad(c, RecordKinds.Contact, "dateOfBirth", BadDatesOfBirth);

        AddBad(c, RecordKinds.Order, "total", BadTotals);
        AddBad(c, RecordKinds.Order, "currency", BadCurrencies);
        AddBad(c, RecordKinds.Order, "status", BadChoices);
        AddBad(c, RecordKinds.Ticket, "status", BadChoices[..3]);
        AddBad(c, RecordKinds.Ticket, "priority", BadChoices[..3]);
        AddBad(c, RecordKinds.Ticket, "channel", BadChoices[..3]);
        AddBad(c, RecordKinds.EmailEvent, "type", BadChoices);
        AddBad(c, RecordKinds.WebEvent, "type", BadChoices[..3]);

        AddBad(c, RecordKinds.Contact, "address", BadObjects);
        AddBad(c, RecordKinds.Contact, "traits", BadObjects);
        AddBad(c, RecordKinds.Order, "shippingAddress", BadObjects[..2]);
        AddBad(c, RecordKinds.WebEvent, "traits", BadObjects[..2]);
        foreach (var country in BadCountries)
        {
            c.Add(Text(RecordKinds.Contact, NormalisationTestKit.With(RecordKinds.Contact, ("address", NormalisationTestKit.Node($$"""{"line1":"1 High St","country":{{country}}}"""))), $"contact address.country = {Shorten(country)}"));
        }
        foreach (var postcode in new[] { "\"SW1A<1AA\"", "\"SW1A 1AA; DROP\"", "\"" + new string('1', 21) + "\"", "[]" })
        {
            c.Add(Text(RecordKinds.Contact, NormalisationTestKit.With(RecordKinds.Contact, ("address", NormalisationTestKit.Node($$"""{"postcode":{{postcode}},"country":"GB"}"""))), $"contact address.postcode = {Shorten(postcode)}"));
        }
        foreach (var line1 in new[] { "\"1 High St\\u0000\"", "12", "\"" + new string('x', 201) + "\"" })
        {
            c.Add(Text(RecordKinds.Contact, NormalisationTestKit.With(RecordKinds.Contact, ("address", NormalisationTestKit.Node($$"""{"line1":{{line1}},"country":"GB"}"""))), $"contact address.line1 = {Shorten(line1)}"));
        }
        string[] badTraits =
        [
            """{"prefs":{"colour":"red"}}""", """{"tags":["a","b"]}""", """{"bio":"line\u0007bell"}""",
            "{\"" + new string('k', 101) + "\":1}", """{"":"empty key"}""", """{"key\u0001":"control in key"}""",
            "{" + string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"t{i}\":{i}")) + "}",
        ];
        for (int i = 0; i < badTraits.Length; i++)
        {
            c.Add(Text(RecordKinds.Contact, NormalisationTestKit.With(RecordKinds.Contact, ("traits", NormalisationTestKit.Node(badTraits[i]))), $"contact traits #{i + 1}"));
        }
    }

    // ------------------------------------------------------------------ kind specific

    private static void AddKindSpecific(List<CorpusRecord> c)
    {
        const string order = RecordKinds.Order;
        foreach (var lines in new[] { "{}", "\"x\"", "12", "[1]", "[null]", "[[]]" })
        {
            c.Add(Text(order, Replace(NormalisationTestKit.ExampleOrder, "lines", lines), $"order lines = {lines}"));
        }
        string[] badLines =
        [
            """{"sku":"A","quantity":0,"unitPrice":1}""", """{"sku":"A","quantity":-1,"unitPrice":1}""",
            """{"sku":"A","quantity":1.5,"unitPrice":1}""", """{"sku":"A","quantity":"2","unitPrice":1}""",
            """{"sku":"A","quantity":true,"unitPrice":1}""", """{"sku":"A","unitPrice":1}""", """{"sku":"A","quantity":10000000,"unitPrice":1}""",
            """{"sku":"A","quantity":99999999999999999999,"unitPrice":1}""", """{"sku":"A","quantity":1,"unitPrice":-1}""",
            """{"sku":"A","quantity":1,"unitPrice":"abc"}""", """{"sku":"A","quantity":1}""", """{"sku":"A","quantity":1,"unitPrice":"12.345"}""",
            """{"category":"Tea","quantity":1,"unitPrice":1}""", """{"sku":"A\u0000","quantity":1,"unitPrice":1}""",
            """{"sku":12,"quantity":1,"unitPrice":1}""", """{"name":["Tea"],"quantity":1,"unitPrice":1}""",
            """{"sku":"A","quantity":1,"unitPrice":1e13}""",
        ];
        for (int i = 0; i < badLines.Length; i++)
        {
            var lines = $$"""[{"sku":"OK-1","quantity":1,"unitPrice":1},{"sku":"OK-2","quantity":1,"unitPrice":2},{{badLines[i]}}]""";
            c.Add(Text(order, Replace(NormalisationTestKit.ExampleOrder, "lines", lines), $"order line 2 bad #{i + 1}"));
        }
        var tooMany = "[" + string.Join(",", Enumerable.Repeat("""{"sku":"A","quantity":1,"unitPrice":1}""", MaxLines + 1)) + "]";
        c.Add(Text(order, Replace(NormalisationTestKit.ExampleOrder, "lines", tooMany), "order with one line more than allowed"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("currency", "JPY"), ("total", "1200.5")), "JPY total with decimals"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("currency", "KWD"), ("total", "1.2345")), "KWD total with four decimals"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("total", -0.01m)), "negative total as a number"));

        const string ticket = RecordKinds.Ticket;
        foreach (var subject in new[] { "12", "\"bad\\u0000char\"", "\"bell\\u0007\"", "\"escape \\u001b[31m red\"", "[]", "\"   \"" })
        {
            c.Add(Text(ticket, Replace(NormalisationTestKit.ExampleTicket, "subject", subject), $"ticket subject = {Shorten(subject)}"));
        }
        foreach (var satisfaction in new[] { "6", "0", "\"great\"", "4.5", "true", "\"10\"" })
        {
            c.Add(Text(ticket, Replace(NormalisationTestKit.ExampleTicket, "satisfaction", satisfaction), $"ticket satisfaction = {satisfaction}"));
        }

        const string emailEvent = RecordKinds.EmailEvent;
        foreach (var url in new[] { "\"javascript:alert(1)\"", "\"not a url\"", "\"ftp://files.example.com/x\"", "\"/relative/path\"", "12" })
        {
            c.Add(Text(emailEvent, Replace(NormalisationTestKit.ExampleEmailEvent, "url", url), $"email event url = {Shorten(url)}"));
        }
        c.Add(Text(emailEvent, NormalisationTestKit.With(emailEvent, ("campaignName", "Spring\u0000Sale")), "email event campaign name with NUL"));

        const string web = RecordKinds.WebEvent;
        c.Add(Text(web, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("event", null)), "track without event"));
        c.Add(Text(web, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("event", "")), "track with an empty event"));
        c.Add(Text(web, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("event", new string('e', 59))), "track event name too long for the type column"));
        c.Add(Text(web, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("event", "Signed\u0000Up")), "track event with NUL"));
        c.Add(Text(web, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("type", "alias")), "alias without previousId"));
        c.Add(Text(web, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("type", "alias"), ("previousId", "<script>")), "alias with a hostile previousId"));
        string[] badIdentifyTraits =
        [
            """{"email":"not-an-email"}""", """{"firstName":"<script>alert(1)</script>"}""", """{"first_name":"R2D2"}""",
            """{"phone":"12"}""", """{"dateOfBirth":"2999-01-01"}""", """{"name":"Robert'); DROP TABLE Students;--"}""",
            """{"address":{"country":"Atlantis"}}""", """{"plan":"gold\u0000"}""",
        ];
        for (int i = 0; i < badIdentifyTraits.Length; i++)
        {
            c.Add(Text(web, NormalisationTestKit.With(RecordKinds.WebEvent, ("traits", NormalisationTestKit.Node(badIdentifyTraits[i]))), $"identify traits bad #{i + 1}"));
        }
        c.Add(Text(web, NormalisationTestKit.With(RecordKinds.WebEvent, ("groupId", "<script>"), ("type", "group")), "group with a hostile groupId"));
    }

    // ------------------------------------------------------------------ valid oddities

    /// <summary>Records that look odd but are valid: they must all be accepted.</summary>
    public static IReadOnlyList<CorpusRecord> ValidOddities()
    {
        var c = new List<CorpusRecord>();
        const string ticket = RecordKinds.Ticket, contact = RecordKinds.Contact, order = RecordKinds.Order, web = RecordKinds.WebEvent;

        c.Add(Text(ticket, NormalisationTestKit.With(ticket, ("subject", "<script>alert('x')</script>")), "script tag in a ticket subject"));
        c.Add(Text(ticket, NormalisationTestKit.With(ticket, ("subject", "'; DROP TABLE tickets; --")), "SQL in a ticket subject"));
        c.Add(Text(ticket, NormalisationTestKit.With(ticket, ("subject", "Line one\r\n\tLine two")), "line breaks and a tab in a ticket subject"));
        c.Add(Text(ticket, Replace(NormalisationTestKit.ExampleTicket, "subject", "\"Smile \\ud83d\\ude00 please\""), "escaped surrogate pair (emoji) in a subject"));
        c.Add(Text(ticket, NormalisationTestKit.With(ticket, ("subject", "שלום &amp; <b>hi</b> \u202E")), "Hebrew, entities, markup and a bidi override in a subject"));
        c.Add(Text(ticket, NormalisationTestKit.With(ticket, ("subject", new string('s', MaxFieldLength))), "subject exactly at the length limit"));
        c.Add(Text(ticket, NormalisationTestKit.With(ticket, ("status", "SOLVED"), ("updatedAt", "2026-05-05T08:00:00Z"), ("satisfaction", "good")), "upper-case status, satisfaction as a word"));

        c.Add(Text(contact, NormalisationTestKit.With(contact, ("firstName", "José"), ("lastName", "Zoë-Ærø")), "accented names"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("firstName", "太郎"), ("lastName", "山田")), "CJK names"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("firstName", "Mary\u200B Ann"), ("lastName", "O’Brien")), "zero-width space and a curly apostrophe in names"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("firstName", "E\u0301lodie")), "decomposed accent in a name"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("firstName", "J."), ("lastName", "St. John-Smythe")), "initial and periods in names"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("email", "  O'Neil+News@Sub.Example.CO.UK  ")), "email with a tag, apostrophe and upper case"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("email", "info@bücher.de")), "email with an internationalised domain"));
        foreach (var phone in new[] { "+44 (0)20 7946 0018", "0044 20 7946 0018", "(020) 7946 0018", "07700 900123", "+447700900123", "020-7946-0018", "02079460018 ext. 12" })
        {
            c.Add(Text(contact, NormalisationTestKit.With(contact, ("phone", phone)), $"phone written as {phone}"));
        }
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("phone", "(202) 555-0173"), ("address", NormalisationTestKit.Node("""{"country":"us"}"""))), "US national phone with a US address"));
        foreach (var country in new[] { "GBR", "Deutschland", "the netherlands", "Côte d’Ivoire", "u.s.a.", "UK" })
        {
            c.Add(Text(contact, NormalisationTestKit.With(contact, ("phone", "+44 20 7946 0018"), ("address", NormalisationTestKit.Node($$"""{"country":"{{country}}"}"""))), $"country written as {country}"));
        }
        c.Add(new(contact, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(NormalisationTestKit.ExampleContact)], "byte order mark before the object"));
        c.Add(Text(contact, WithUnknownField(NormalisationTestKit.ExampleContact, Nested(MaxDepth - 1, '[')), "unknown field nested to the depth limit"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("extra", NormalisationTestKit.Node("""{"a":[1,2,{"b":null}],"c":"<script>"}"""))), "unknown extra fields"));
        c.Add(Text(contact, """{"id":"CRM-9","updatedAt":"2026-01-01T00:00:00Z","accountId":"ACC-1","firstName":null,"lastName":"","email":"  ","phone":null,"dateOfBirth":"","address":null,"traits":null}""", "nulls and empty strings for optional fields"));
        c.Add(Text(contact, """{"id":12345,"updatedAt":"2026-01-01T00:00:00Z","accountId":67890}""", "numeric ids"));
        c.Add(Text(contact, "{\"id\":\"CRM-\\u0031\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"firstName\":\"Jos\\u00e9\"}", "escaped characters in id and name"));
        c.Add(Text(contact, "{\r\n\t\"id\" :\t\"CRM-1\" ,\r\n\t\"updatedAt\" : \"2026-01-01T00:00:00.1234567-05:30\" ,\r\n\t\"email\":\"a@example.com\"\r\n}\r\n", "CRLF, tabs and a fractional offset time"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("updatedAt", "2026-05-01")), "date-only timestamp"));
        c.Add(Text(contact, NormalisationTestKit.With(contact, ("traits", NormalisationTestKit.Node("""{"score":1.5e3,"ok":false,"note":"multi\nline","empty":""}"""))), "traits of every scalar type"));
        c.Add(Text(contact, PadTo(NormalisationTestKit.ExampleContact, MaxPayloadBytes), "payload exactly at the size limit"));

        c.Add(Text(order, NormalisationTestKit.With(order, ("currency", "JPY"), ("total", 1200), ("lines", null)), "JPY order"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("currency", "kwd"), ("total", "12.345"), ("lines", null)), "KWD order with three decimals"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("total", "45.900")), "GBP total with a trailing zero"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("total", 0), ("lines", NormalisationTestKit.Node("[]"))), "free order with no lines"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("orderNumber", 1001), ("status", "CANCELED")), "numeric order number, US spelling of cancelled"));
        c.Add(Text(order, NormalisationTestKit.With(order, ("total", 999_999_999_999.99m)), "total just under the absurd limit"));
        var fullLines = "[" + string.Join(",", Enumerable.Repeat("""{"sku":"A","quantity":1,"unitPrice":1}""", MaxLines)) + "]";
        c.Add(Text(order, Replace(NormalisationTestKit.ExampleOrder, "lines", fullLines), "order with exactly the maximum number of lines"));

        c.Add(Text(RecordKinds.EmailEvent, NormalisationTestKit.Without(RecordKinds.EmailEvent, "campaignId", "campaignName", "url"), "email event without campaign"));
        c.Add(Text(web, NormalisationTestKit.With(NormalisationTestKit.ExampleTrack, ("event", "Order Completed (v2) <beta>")), "track event name with punctuation"));
        c.Add(Text(web, """{"messageId":"m-1","type":"page","timestamp":"2026-05-04T11:00:00Z","anonymousId":"a-1","properties":{"url":"https://shop.example.com/account?email=jane@example.com"}}""", "page whose URL carries an email in the query"));
        c.Add(Text(web, """{"messageId":"m-2","type":"screen","name":"Basket","timestamp":"2026-05-04T11:00:00Z","userId":"ACC-77","context":{"device":{"type":"ios"}}}""", "screen from a device"));
        c.Add(Text(web, """{"messageId":"m-3","type":"alias","timestamp":"2026-05-04T11:00:00Z","userId":"ACC-77","previousId":"anon-9"}""", "alias"));
        c.Add(Text(web, """{"messageId":"m-4","type":"group","groupId":"ORG-1","timestamp":"2026-05-04T11:00:00Z","userId":"ACC-77","traits":{"email":"not-a-person","name":"Acme Ltd."}}""", "group whose traits describe a company"));
        c.Add(Text(web, """{"messageId":"m-5","type":"track","event":"Clicked","timestamp":"2026-05-04T11:00:00Z","anonymousId":"a-1","context":[],"properties":"odd"}""", "track with odd context and properties"));
        return c;
    }

    // ------------------------------------------------------------------ helpers

    private static void AddBad(List<CorpusRecord> c, string kind, string field, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            c.Add(Text(kind, Replace(NormalisationTestKit.Example(kind), field, value), $"{kind} {field} = {Shorten(value)}"));
        }
    }

    private static string Shorten(string json) => json.Length <= 40 ? json : string.Concat(json.AsSpan(0, 30), $"…({json.Length} chars)");

    private static CorpusRecord Text(string kind, string json, string description) => new(kind, Encoding.UTF8.GetBytes(json), description);

    /// <summary>The record with <paramref name="field"/> set to a raw JSON literal.</summary>
    private static string Replace(string json, string field, string rawValue)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node[field] = JsonNode.Parse(rawValue);
        if (rawValue == "null") node[field] = null;
        return node.ToJsonString(Relaxed);
    }

    private static string WithUnknownField(string json, string rawValue) =>
        string.Concat(json.AsSpan(0, json.LastIndexOf('}')), ",\"nested\":", rawValue, "}");

    /// <summary>A value nested <paramref name="levels"/> deep (so in a record it reaches depth levels + 1).</summary>
    private static string Nested(int levels, char open) => open == '['
        ? new string('[', levels) + "1" + new string(']', levels)
        : string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels);

    /// <summary>The record padded with an unknown array of short strings to exactly <paramref name="size"/> bytes.</summary>
    private static string PadTo(string json, int size)
    {
        var head = json[..json.LastIndexOf('}')] + ",\"padding\":[";
        var sb = new StringBuilder(head, size + 16);
        int bytes = Encoding.UTF8.GetByteCount(head);
        const int chunk = 500;
        // Elements are "aaa…", (chunk + 3 bytes each); the last one is "aaa…"]} (its length + 4 bytes).
        while (size - bytes - 4 > chunk + 3)
        {
            sb.Append('"').Append('a', chunk).Append("\",");
            bytes += chunk + 3;
        }
        int remaining = size - bytes - 4;
        if (remaining < 0) throw new ArgumentOutOfRangeException(nameof(size));
        sb.Append('"').Append('a', remaining).Append("\"]}");
        return sb.ToString();
    }

    private static byte[] Concat(string before, byte[] middle, string after = "") =>
        [.. Encoding.UTF8.GetBytes(before), .. middle, .. Encoding.UTF8.GetBytes(after)];
}
