using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>The five record kinds: required fields, identity fields and the timeline interaction each one yields.</summary>
public sealed partial class RecordNormaliser
{
    private const int MaxSummaryPart = 200;
    private const int MaxSubjectInSummary = 120;
    private const int MaxTraits = 100;
    private const int MaxTraitKeyLength = 100;
    private const int MaxTraitValueLength = 1000;
    private const int MaxQuantity = 1_000_000;
    /// <summary>Interaction types are stored in 64 characters: "track:" plus the event name must fit.</summary>
    private const int MaxTrackEventLength = 64 - 6;

    private static readonly string[] OrderStatuses = ["placed", "paid", "shipped", "delivered", "returned", "cancelled", "canceled"];
    private static readonly string[] TicketStatuses = ["open", "pending", "solved", "closed"];
    private static readonly string[] TicketPriorities = ["low", "normal", "high", "urgent"];
    private static readonly string[] TicketChannels = ["email", "phone", "chat", "web"];
    private static readonly InteractionChannel[] TicketChannelValues =
        [InteractionChannel.Email, InteractionChannel.Phone, InteractionChannel.Chat, InteractionChannel.Web];
    private static readonly string[] OrderChannels = ["web", "app", "phone", "store", "email", "chat"];
    private static readonly InteractionChannel[] OrderChannelValues =
        [InteractionChannel.Web, InteractionChannel.App, InteractionChannel.Phone, InteractionChannel.Store, InteractionChannel.Email, InteractionChannel.Chat];
    private static readonly string[] EmailEventTypes = ["sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "complained"];
    private static readonly string[] EmailInteractionTypes =
        ["email.sent", "email.delivered", "email.opened", "email.clicked", "email.bounced", "email.unsubscribed", "email.complained"];
    private static readonly string[] WebEventTypes = ["track", "page", "screen", "identify", "group", "alias"];
    private static readonly string[] AmountFormats = ["F0", "F1", "F2", "F3"];

    /// <summary>Identify traits that fill identity fields instead of becoming profile traits.</summary>
    private static readonly string[] IdentityTraitKeys =
        ["email", "phone", "firstName", "first_name", "lastName", "last_name", "name", "dateOfBirth", "address"];

    private static readonly SearchValues<char> ReadableTraitKeyChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    // ---------------------------------------------------------------- contact

    private static NormalisedRecord? Contact(RecordReader r, JsonElement root, out string? externalId)
    {
        ExternalId(r, root, "id", out externalId, out var id);
        r.Require(r.Timestamp(root, "updatedAt", out var updatedAt), "updatedAt");
        var accountId = OptionalId(r, root, "accountId");
        var loyaltyNumber = OptionalId(r, root, "loyaltyNumber");
        var given = r.Name(root, "firstName", out var givenName);
        var family = r.Name(root, "lastName", out var familyName);
        var address = Address(r, root, "address", "address", segmentNames: false);
        var email = r.Email(root, "email", out var emailAddress);
        var phone = r.Phone(root, "phone", address.Country, out var phoneNumber);
        r.DateOfBirth(root, "dateOfBirth", out var dateOfBirth);
        var traits = TraitsField(r, root, nestedIsError: true, skipIdentityKeys: false);
        var consent = ContactConsent(r, root);
        if (given == FieldState.Missing && family == FieldState.Missing && email == FieldState.Missing
            && phone == FieldState.Missing && accountId.State == FieldState.Missing)
        {
            r.Fail("firstName/lastName/email/phone/accountId", "at least one is required");
        }
        if (r.HasErrors) return null;

        return new NormalisedRecord
        {
            Kind = RecordKinds.Contact,
            ExternalId = id,
            OccurredAt = updatedAt,
            Email = emailAddress,
            Phone = phoneNumber,
            AccountId = accountId.Value,
            LoyaltyNumber = loyaltyNumber.Value,
            GivenName = givenName,
            FamilyName = familyName,
            DateOfBirth = dateOfBirth,
            AddressLine = address.Line,
            City = address.City,
            Postcode = address.Postcode,
            Country = address.Country,
            Traits = traits,
            Consent = consent,
        };
    }

    // ---------------------------------------------------------------- order

    private NormalisedRecord? Order(RecordReader r, JsonElement root, out string? externalId)
    {
        ExternalId(r, root, "orderNumber", out externalId, out var orderNumber);
        r.Require(r.Timestamp(root, "placedAt", out var placedAt), "placedAt");

        var currencyState = r.String(root, "currency", out var currencyText);
        r.Require(currencyState, "currency");
        string? currency = null;
        int exponent = 0;
        if (currencyState == FieldState.Valid)
        {
            if (Currencies.TryGet(currencyText, out var code, out exponent)) currency = code;
            else r.Fail("currency", "not an active ISO 4217 currency code");
        }

        var totalState = r.Amount(root, "total", out var total);
        r.Require(totalState, "total");
        long totalMinor = 0;
        if (totalState == FieldState.Valid && currency is not null) r.ToMinorUnits(total, "total", currency, exponent, out totalMinor);

        r.Choice(root, "status", OrderStatuses,
            "must be one of placed, paid, shipped, delivered, returned, cancelled", out int status);
        // Where the order was placed: revenue per channel on the insights dashboard depends on it.
        r.Choice(root, "channel", OrderChannels, "must be one of web, app, phone, store, email, chat", out int channel);
        var accountId = OptionalId(r, root, "accountId");
        var address = Address(r, root, "shippingAddress", "shippingAddress", segmentNames: false);
        var email = r.Email(root, "email", out var emailAddress);
        var phone = r.Phone(root, "phone", address.Country, out var phoneNumber);
        r.Name(root, "firstName", out var givenName);
        r.Name(root, "lastName", out var familyName);
        var orderLines = new List<OrderLine>();
        int items = Lines(r, root, currency, exponent, orderLines);
        if (accountId.State == FieldState.Missing && email == FieldState.Missing && phone == FieldState.Missing)
        {
            r.Fail("accountId/email/phone", "at least one is required");
        }
        if (r.HasErrors) return null;

        var interaction = status switch
        {
            4 => "order.returned",
            5 or 6 => "order.cancelled",
            _ => "order.placed",
        };
        string amount = (totalMinor / Currencies.Factor(exponent)).ToString(AmountFormats[exponent], CultureInfo.InvariantCulture);
        string summary = items > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Order {orderNumber} · {items} {(items == 1 ? "item" : "items")} · {amount} {currency}")
            : string.Create(CultureInfo.InvariantCulture, $"Order {orderNumber} · {amount} {currency}");

        return new NormalisedRecord
        {
            Kind = RecordKinds.Order,
            ExternalId = orderNumber,
            OccurredAt = placedAt,
            Email = emailAddress,
            Phone = phoneNumber,
            AccountId = accountId.Value,
            GivenName = givenName,
            FamilyName = familyName,
            AddressLine = address.Line,
            City = address.City,
            Postcode = address.Postcode,
            Country = address.Country,
            InteractionType = interaction,
            Channel = channel < 0 ? InteractionChannel.Web : OrderChannelValues[channel],
            Summary = summary,
            AmountMinor = totalMinor,
            Currency = currency,
            Reference = orderNumber,
            Lines = orderLines.Count > 0 ? orderLines : null,
            Traits = EmptyTraits,
        };
    }

    /// <summary>Checks the order lines and collects the valid ones into <paramref name="valid"/>; returns the number of items (sum of quantities).</summary>
    private int Lines(RecordReader r, JsonElement root, string? currency, int exponent, List<OrderLine> valid)
    {
        if (!RecordReader.TryGet(root, "lines", out var lines)) return 0;
        if (lines.ValueKind != JsonValueKind.Array)
        {
            r.Fail("lines", "must be an array");
            return 0;
        }
        if (lines.GetArrayLength() > settings.MaxLines)
        {
            r.Fail("lines", settings.TooManyLinesProblem);
            return 0;
        }

        int items = 0, index = 0;
        foreach (var line in lines.EnumerateArray())
        {
            int i = index++;
            if (line.ValueKind != JsonValueKind.Object)
            {
                r.Fail(FieldPath.At("lines", i), "must be an object");
                continue;
            }
            var sku = r.Text(line, FieldPath.At("lines", i, "sku"), out var skuText, TextRules.MaxIdLength);
            var name = r.Text(line, FieldPath.At("lines", i, "name"), out var nameText);
            var category = r.Text(line, FieldPath.At("lines", i, "category"), out var categoryText);
            long lineCount = 0;
            if (sku == FieldState.Missing && name == FieldState.Missing) r.Fail(FieldPath.At("lines", i), "needs a sku or a name");

            var quantityPath = FieldPath.At("lines", i, "quantity");
            if (!RecordReader.TryGet(line, quantityPath, out var quantity))
            {
                r.Fail(quantityPath, "is required");
            }
            else if (quantity.ValueKind != JsonValueKind.Number || !quantity.TryGetInt64(out long count) || count < 1)
            {
                r.Fail(quantityPath, "must be a whole number of at least 1");
            }
            else if (count > MaxQuantity)
            {
                r.Fail(quantityPath, "larger than 1000000");
            }
            else
            {
                items += (int)count;
                lineCount = count;
            }

            var pricePath = FieldPath.At("lines", i, "unitPrice");
            var price = r.Amount(line, pricePath, out var unitPrice);
            r.Require(price, pricePath);
            long unitMinor = 0;
            var priced = price == FieldState.Valid && currency is not null && r.ToMinorUnits(unitPrice, pricePath, currency, exponent, out unitMinor);
            // Kept for next best offer and segments; the record is refused anyway when any line is invalid.
            if (lineCount > 0 && priced && (sku == FieldState.Valid || name == FieldState.Valid))
                valid.Add(new OrderLine(
                    sku == FieldState.Valid ? skuText.Trim() : TextRules.CollapseWhitespace(nameText),
                    name == FieldState.Valid ? TextRules.CollapseWhitespace(nameText) : null,
                    category == FieldState.Valid ? TextRules.CollapseWhitespace(categoryText) : null,
                    (int)lineCount, unitMinor));
        }
        return items;
    }

    // ---------------------------------------------------------------- ticket

    private static NormalisedRecord? Ticket(RecordReader r, JsonElement root, out string? externalId)
    {
        ExternalId(r, root, "ticketId", out externalId, out var ticketId);
        r.Require(r.Timestamp(root, "createdAt", out var createdAt), "createdAt");
        // The subject is free text: markup or SQL in it is kept as typed (the UI encodes); only control characters are refused.
        r.Require(r.Text(root, "subject", out var subject, multiline: true), "subject");
        r.Choice(root, "status", TicketStatuses, "must be one of open, pending, solved, closed", out int status);
        r.Choice(root, "priority", TicketPriorities, "must be one of low, normal, high, urgent", out _);
        r.Choice(root, "channel", TicketChannels, "must be one of email, phone, chat, web", out int channel);
        var email = r.Email(root, "email", out var emailAddress);
        var phone = r.Phone(root, "phone", null, out var phoneNumber);
        r.Name(root, "name", out var fullName);
        var updated = r.Timestamp(root, "updatedAt", out var updatedAt);
        var satisfaction = Satisfaction(r, root);
        if (email == FieldState.Missing && phone == FieldState.Missing) r.Fail("email/phone", "at least one is required");
        if (r.HasErrors) return null;

        var (givenName, familyName) = SplitFullName(fullName);
        bool finished = status is 2 or 3;
        return new NormalisedRecord
        {
            Kind = RecordKinds.Ticket,
            ExternalId = ticketId,
            // A solved or closed ticket happened when it was last updated; an open one when it was raised.
            OccurredAt = finished && updated == FieldState.Valid ? updatedAt : createdAt,
            Email = emailAddress,
            Phone = phoneNumber,
            GivenName = givenName,
            FamilyName = familyName,
            InteractionType = status switch { 2 => "ticket.solved", 3 => "ticket.closed", _ => "ticket.opened" },
            Channel = channel < 0 ? InteractionChannel.Email : TicketChannelValues[channel],
            Summary = string.Concat("Ticket ", ticketId, ": ", TextRules.OneLine(subject, MaxSubjectInSummary)),
            Reference = ticketId,
            Satisfaction = satisfaction,
            Traits = EmptyTraits,
        };
    }

    /// <summary>"good"/"bad" or a whole number 1–5, as a number or a string; read as 1–5 ("good" is 5, "bad" is 1).</summary>
    private static int? Satisfaction(RecordReader r, JsonElement root)
    {
        if (!RecordReader.TryGet(root, "satisfaction", out var value)) return null;
        int? score = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt32(out int number) && number is >= 1 and <= 5 ? number : null,
            JsonValueKind.String => value.GetString()!.Trim() switch
            {
                "" => 0,
                var text when text.Equals("good", StringComparison.OrdinalIgnoreCase) => 5,
                var text when text.Equals("bad", StringComparison.OrdinalIgnoreCase) => 1,
                var text when text is "1" or "2" or "3" or "4" or "5" => text[0] - '0',
                _ => null,
            },
            _ => null,
        };
        if (score is null) r.Fail("satisfaction", "must be good, bad or a whole number from 1 to 5");
        return score is > 0 ? score : null; // blank means not rated
    }

    // ---------------------------------------------------------------- email_event

    private static NormalisedRecord? EmailEvent(RecordReader r, JsonElement root, out string? externalId)
    {
        ExternalId(r, root, "eventId", out externalId, out var eventId);
        r.Require(r.Email(root, "email", out var emailAddress), "email");
        r.Require(r.Choice(root, "type", EmailEventTypes,
            "must be one of sent, delivered, opened, clicked, bounced, unsubscribed, complained", out int type), "type");
        r.Require(r.Timestamp(root, "occurredAt", out var occurredAt), "occurredAt");
        var campaignId = OptionalId(r, root, "campaignId");
        r.Text(root, "campaignName", out var campaignName);
        if (r.Text(root, "url", out var url) == FieldState.Valid && !IsWebUrl(url))
            r.Fail("url", "must be an absolute http or https URL");
        if (r.HasErrors) return null;

        string typeName = EmailEventTypes[type];
        string? campaign = campaignName.Length > 0 ? TextRules.OneLine(campaignName, MaxSummaryPart) : campaignId.Value;
        return new NormalisedRecord
        {
            Kind = RecordKinds.EmailEvent,
            ExternalId = eventId,
            OccurredAt = occurredAt,
            Email = emailAddress,
            InteractionType = EmailInteractionTypes[type],
            Channel = InteractionChannel.Email,
            Summary = campaign is null ? string.Concat("Email ", typeName) : string.Concat("Email ", typeName, ": ", campaign),
            Reference = campaignId.Value,
            Traits = EmptyTraits,
            Consent = EmailConsent(EmailInteractionTypes[type], campaignId.Value),
        };
    }

    private static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    // ---------------------------------------------------------------- web_event

    private static NormalisedRecord? WebEvent(RecordReader r, JsonElement root, out string? externalId)
    {
        ExternalId(r, root, "messageId", out externalId, out var messageId);
        var typeState = r.Choice(root, "type", WebEventTypes, "must be one of track, page, screen, identify, group, alias", out int type);
        r.Require(typeState, "type");
        r.Require(r.Timestamp(root, "timestamp", out var timestamp), "timestamp");
        var userId = OptionalId(r, root, "userId");
        var anonymousId = OptionalId(r, root, "anonymousId");
        var previousId = OptionalId(r, root, "previousId");
        if (userId.State == FieldState.Missing && anonymousId.State == FieldState.Missing)
            r.Fail("anonymousId/userId", "at least one is required");

        string? interaction = null, summary = null, reference = null;
        Identity identity = default;
        IReadOnlyDictionary<string, string> traits = EmptyTraits;
        switch (typeState == FieldState.Valid ? WebEventTypes[type] : null)
        {
            case "track":
                var eventState = r.Text(root, "event", out var eventName, MaxTrackEventLength);
                if (eventState == FieldState.Missing) r.Fail("event", "is required for track calls");
                interaction = string.Concat("track:", eventName);
                summary = eventName;
                break;
            case "page":
                r.Text(root, "name", out var pageName);
                interaction = "page.viewed";
                summary = string.Concat("Viewed ", pageName.Length > 0 ? TextRules.OneLine(pageName, MaxSummaryPart) : PagePath(root) ?? "a page");
                break;
            case "screen":
                r.Text(root, "name", out var screenName);
                interaction = "screen.viewed";
                summary = string.Concat("Viewed ", screenName.Length > 0 ? TextRules.OneLine(screenName, MaxSummaryPart) : "a screen");
                break;
            case "identify":
                interaction = "identify";
                summary = "Identified";
                if (r.Object(root, "traits", out var identifyTraits) == FieldState.Valid)
                {
                    identity = IdentifyTraits(r, identifyTraits);
                    traits = Traits(r, identifyTraits, nestedIsError: false, skipIdentityKeys: true);
                }
                break;
            case "group":
                // Group traits describe the company, not the person: they stay in the payload.
                var groupId = OptionalId(r, root, "groupId");
                interaction = "group";
                summary = "Joined a group";
                reference = groupId.Value;
                break;
            case "alias":
                if (previousId.State == FieldState.Missing) r.Fail("previousId", "is required for alias calls");
                interaction = "alias";
                summary = "Linked an earlier id";
                break;
        }
        var consent = WebConsent(r, root, interaction);
        if (r.HasErrors) return null;

        return new NormalisedRecord
        {
            Kind = RecordKinds.WebEvent,
            ExternalId = messageId,
            OccurredAt = timestamp,
            AccountId = userId.Value,
            AnonymousId = anonymousId.Value,
            PreviousId = previousId.Value,
            Email = identity.Email,
            Phone = identity.Phone,
            GivenName = identity.GivenName,
            FamilyName = identity.FamilyName,
            DateOfBirth = identity.DateOfBirth,
            AddressLine = identity.Address.Line,
            City = identity.Address.City,
            Postcode = identity.Address.Postcode,
            Country = identity.Address.Country,
            InteractionType = interaction,
            Channel = WebEventTypes[type] == "screen" || HasDevice(root) ? InteractionChannel.App : InteractionChannel.Web,
            Summary = summary,
            Reference = reference,
            Traits = traits,
            Consent = consent,
            Category = interaction is not null && interaction.StartsWith("track:", StringComparison.Ordinal)
                && root.TryGetProperty("properties", out var properties) ? CategoryOf(properties) : null,
        };
    }

    private const int MaxProductCategoryLength = 64;

    /// <summary>
    /// The product category an order line or a product event names (its "category" text), for segment rules such as
    /// "viewed Garden twice". Optional and never a reason to refuse a record: odd values are just not kept.
    /// </summary>
    private static string? CategoryOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("category", out var value) || value.ValueKind != JsonValueKind.String) return null;
        var text = value.GetString()?.Trim();
        return string.IsNullOrEmpty(text) || text.Length > MaxProductCategoryLength || TextRules.HasControl(text) ? null : text;
    }

    private readonly record struct Identity(
        string? Email, string? Phone, string? GivenName, string? FamilyName, DateOnly? DateOfBirth, PostalAddress Address);

    private static Identity IdentifyTraits(RecordReader r, JsonElement traits)
    {
        var address = Address(r, traits, FieldPath.In("traits", "address"), "traits.address", segmentNames: true);
        r.Email(traits, FieldPath.In("traits", "email"), out var email);
        r.Phone(traits, FieldPath.In("traits", "phone"), address.Country, out var phone);
        string? given, family;
        if (r.Name(traits, FieldPath.In("traits", "firstName"), out given) == FieldState.Missing)
            r.Name(traits, FieldPath.In("traits", "first_name"), out given);
        if (r.Name(traits, FieldPath.In("traits", "lastName"), out family) == FieldState.Missing)
            r.Name(traits, FieldPath.In("traits", "last_name"), out family);
        if (r.Name(traits, FieldPath.In("traits", "name"), out var fullName) == FieldState.Valid && given is null && family is null)
            (given, family) = SplitFullName(fullName);
        r.DateOfBirth(traits, FieldPath.In("traits", "dateOfBirth"), out var dateOfBirth);
        return new Identity(email, phone, given, family, dateOfBirth, address);
    }

    /// <summary>The page's path for the summary: properties.path, context.page.path, or the path of a URL (never the query).</summary>
    private static string? PagePath(JsonElement root)
    {
        string? path = null;
        if (root.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            path = StringOrNull(properties, "path") ?? UrlPath(StringOrNull(properties, "url"));
        if (path is null && root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("page", out var page) && page.ValueKind == JsonValueKind.Object)
            path = StringOrNull(page, "path") ?? UrlPath(StringOrNull(page, "url"));
        if (path is null) return null;
        int cut = path.AsSpan().IndexOfAny('?', '#');
        if (cut >= 0) path = path[..cut];
        return path.Length == 0 || TextRules.HasControl(path) ? null : TextRules.OneLine(path, MaxSummaryPart);
    }

    private static string? StringOrNull(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static string? UrlPath(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : null;

    private static bool HasDevice(JsonElement root) =>
        root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
        && RecordReader.TryGet(context, "device", out _);

    // ---------------------------------------------------------------- shared pieces

    private static readonly IReadOnlyDictionary<string, string> EmptyTraits =
        System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    private readonly record struct OptionalValue(FieldState State, string? Value);

    private static OptionalValue OptionalId(RecordReader r, JsonElement obj, string field)
    {
        var state = r.Id(obj, field, out var value);
        return new OptionalValue(state, state == FieldState.Valid ? value : null);
    }

    /// <summary>
    /// Reads the kind's id field. <paramref name="externalId"/> is what quarantine may show: the id when valid, and
    /// even when it broke a rule as long as it is short and free of control or invisible characters.
    /// </summary>
    private static void ExternalId(RecordReader r, JsonElement root, string field, out string? externalId, out string id)
    {
        var state = r.Id(root, field, out id);
        r.Require(state, field);
        externalId = state == FieldState.Valid || TextRules.IsDisplayableId(id) ? id : null;
    }

    /// <summary>"Mary Ann Smith" → ("Mary Ann", "Smith"); one word is a given name only.</summary>
    private static (string? Given, string? Family) SplitFullName(string? fullName)
    {
        if (fullName is null) return (null, null);
        int space = fullName.LastIndexOf(' ');
        return space < 0 ? (fullName, null) : (fullName[..space], fullName[(space + 1)..]);
    }

    internal readonly record struct PostalAddress(string? Line, string? City, string? Postcode, string? Country);

    /// <summary>
    /// An address object: line1, city, postcode, country (Segment's identify traits say street and postalCode).
    /// <paramref name="path"/> is the field's full path, the prefix of its reasons ("address.city", "traits.address.city").
    /// </summary>
    private static PostalAddress Address(RecordReader r, JsonElement obj, in FieldPath field, string path, bool segmentNames)
    {
        if (r.Object(obj, field, out var address) != FieldState.Valid) return default;

        string? line = null, city = null, postcode = null;
        var linePath = FieldPath.In(path, segmentNames ? "street" : "line1");
        if (r.Text(address, linePath, out var lineText, 200) == FieldState.Valid) line = TextRules.CollapseWhitespace(lineText);
        if (r.Text(address, FieldPath.In(path, "city"), out var cityText, 100) == FieldState.Valid) city = TextRules.CollapseWhitespace(cityText);
        var postcodePath = FieldPath.In(path, segmentNames ? "postalCode" : "postcode");
        if (r.String(address, postcodePath, out var postcodeText, acceptWholeNumber: true) == FieldState.Valid)
            postcode = Postcode(r, postcodePath, postcodeText);
        r.Country(address, FieldPath.In(path, "country"), out var country);
        return new PostalAddress(line, city, postcode, country);
    }

    /// <summary>Upper-case, single spaces; letters, digits, spaces and hyphens; at most 20 characters.</summary>
    private static string? Postcode(RecordReader r, in FieldPath path, string text)
    {
        var postcode = TextRules.CollapseWhitespace(text).ToUpperInvariant();
        foreach (char c in postcode)
        {
            if (!char.IsLetterOrDigit(c) && c is not ' ' and not '-')
            {
                r.Fail(path, "contains characters not allowed in a postcode");
                return null;
            }
        }
        if (postcode.Length > 20)
        {
            r.Fail(path, r.LongerThan(20));
            return null;
        }
        return postcode;
    }

    private static IReadOnlyDictionary<string, string> TraitsField(RecordReader r, JsonElement root, bool nestedIsError, bool skipIdentityKeys) =>
        r.Object(root, "traits", out var traits) == FieldState.Valid ? Traits(r, traits, nestedIsError, skipIdentityKeys) : EmptyTraits;

    /// <summary>
    /// Scalar traits as strings (numbers as written, booleans as true/false, nulls skipped). Nested values are a
    /// reason for CRM contacts (custom fields are flat) and skipped for identify calls (Segment sends address and
    /// company objects there; they stay in the payload).
    /// </summary>
    private static IReadOnlyDictionary<string, string> Traits(RecordReader r, JsonElement traits, bool nestedIsError, bool skipIdentityKeys)
    {
        Dictionary<string, string>? result = null;
        foreach (var property in traits.EnumerateObject())
        {
            string key = property.Name;
            if (skipIdentityKeys && Array.IndexOf(IdentityTraitKeys, key) >= 0) continue;
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                if (nestedIsError) r.Fail(TraitPath(key), "must be a string, number or boolean");
                continue;
            }
            if (key.Trim().Length == 0)
            {
                r.Fail("traits", "a key is empty");
                continue;
            }
            if (key.Length > MaxTraitKeyLength)
            {
                r.Fail("traits", "a key is longer than 100 characters");
                continue;
            }
            if (TextRules.HasControl(key) || key.AsSpan().ContainsAnyInRange('\u200B', '\u200F'))
            {
                r.Fail("traits", "a key contains control characters");
                continue;
            }
            string text;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    text = value.GetString()!;
                    int maxLength = Math.Min(MaxTraitValueLength, r.Settings.MaxFieldLength);
                    if (text.Length > maxLength)
                    {
                        r.FailTooLong(TraitPath(key), maxLength, text.Length);
                        continue;
                    }
                    if (TextRules.HasControl(text, allowBreaks: true))
                    {
                        r.Fail(TraitPath(key), "contains control characters");
                        continue;
                    }
                    break;
                case JsonValueKind.Number:
                    text = value.GetRawText();
                    break;
                case JsonValueKind.True:
                    text = "true";
                    break;
                default:
                    text = "false";
                    break;
            }
            result ??= new Dictionary<string, string>(StringComparer.Ordinal);
            if (result.Count >= MaxTraits)
            {
                r.Fail("traits", "more than 100 entries");
                break;
            }
            result[key] = text;
        }
        return result ?? EmptyTraits;
    }

    /// <summary>"traits.plan" when the key is plain enough to show; "traits" otherwise (a key can be hostile too).</summary>
    private static FieldPath TraitPath(string key) =>
        key.Length is > 0 and <= 64 && !key.AsSpan().ContainsAnyExcept(ReadableTraitKeyChars) ? FieldPath.In("traits", key) : "traits";
}
