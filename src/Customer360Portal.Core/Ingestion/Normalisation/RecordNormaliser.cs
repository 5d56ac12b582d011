using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Customer360Portal.Core.Ingestion.Normalisation;

/// <summary>
/// Validates one raw intake record and brings its values to canonical form (see RecordFormats.md). Thread-safe and
/// meant to be shared: it holds only its settings. Never throws for any input: every problem becomes a reason of the
/// form "field: problem", which never contains the field's value (reasons are shown in admin screens and logs).
/// </summary>
public sealed partial class RecordNormaliser
{
    private readonly NormaliserSettings settings;
    private readonly TimeProvider time;

    public RecordNormaliser() : this(new NormalisationOptions())
    {
    }

    /// <param name="options">Limits and defaults; copied, so later changes to the object have no effect.</param>
    /// <param name="timeProvider">The clock for plausibility checks when <see cref="NormalisationOptions.Now"/> is not set.</param>
    /// <exception cref="ArgumentException">An option is out of range or the default region is unknown.</exception>
    public RecordNormaliser(NormalisationOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        settings = new NormaliserSettings(options);
        time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Normalises an incoming record (its kind and payload).</summary>
    public NormalisationResult Normalise(IncomingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Normalise(record.Kind, record.Payload.Span);
    }

    /// <summary>Validates and normalises one record of the given kind from its raw UTF-8 JSON.</summary>
    public NormalisationResult Normalise(string kind, ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return NormaliseCore(kind, utf8Json);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A safety net, not a code path: every known kind of bad input is refused above with its own reason.
            // The exception is not logged here because its message may quote the payload.
            return NormalisationResult.Invalid(null, [Reasons.CouldNotProcess]);
        }
    }

    private NormalisationResult NormaliseCore(string kind, ReadOnlySpan<byte> utf8Json)
    {
        var recordKind = KindOf(kind);
        if (recordKind == Kind.Unknown || utf8Json.IsEmpty || utf8Json.Length > settings.MaxPayloadBytes)
        {
            var reasons = new List<string>(2);
            if (recordKind == Kind.Unknown) reasons.Add(Reasons.UnknownKind);
            if (utf8Json.IsEmpty) reasons.Add(Reasons.Empty);
            else if (utf8Json.Length > settings.MaxPayloadBytes) reasons.Add(settings.TooLargeReason);
            return NormalisationResult.Invalid(null, reasons);
        }

        // A UTF-8 byte order mark is legal if pointless; the JSON reader would refuse it.
        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8Json = utf8Json[3..];
        if (!Utf8.IsValid(utf8Json)) return NormalisationResult.Invalid(null, [Reasons.NotUtf8]);

        switch (PayloadScanner.Scan(utf8Json, settings.MaxDepth, settings.MaxFieldLength, out bool hasLongString))
        {
            case PayloadScanner.Outcome.NotJson: return NormalisationResult.Invalid(null, [Reasons.NotJson]);
            case PayloadScanner.Outcome.NotObject: return NormalisationResult.Invalid(null, [Reasons.NotObject]);
            case PayloadScanner.Outcome.TooDeep: return NormalisationResult.Invalid(null, [settings.TooDeepReason]);
            case PayloadScanner.Outcome.BadEscape: return NormalisationResult.Invalid(null, [Reasons.BadEscape]);
        }

        // JsonDocument keeps a reference to the bytes, so parse a pooled copy (cleared afterwards: it holds personal data).
        byte[] buffer = ArrayPool<byte>.Shared.Rent(utf8Json.Length);
        try
        {
            utf8Json.CopyTo(buffer);
            var memory = buffer.AsMemory(0, utf8Json.Length);
            bool duplicates = false;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(memory, settings.StrictDocument);
            }
            catch (JsonException)
            {
                // The scan passed, so the one thing left that the strict parse refuses is a repeated property name.
                // Parse again leniently so the other reasons and the external id can still be reported.
                duplicates = true;
                document = JsonDocument.Parse(memory, settings.LenientDocument);
            }

            using (document)
            {
                var reader = new RecordReader(settings, CurrentTime());
                if (duplicates) reader.Fail("payload", "has repeated property names");
                var root = document.RootElement;
                string? externalId;
                NormalisedRecord? record = recordKind switch
                {
                    Kind.Contact => Contact(reader, root, out externalId),
                    Kind.Order => Order(reader, root, out externalId),
                    Kind.Ticket => Ticket(reader, root, out externalId),
                    Kind.EmailEvent => EmailEvent(reader, root, out externalId),
                    _ => WebEvent(reader, root, out externalId),
                };
                if (hasLongString && !reader.ReportedLongString) reader.Fail("payload", settings.LongStringProblem);
                return record is not null && !reader.HasErrors
                    ? NormalisationResult.Valid(record)
                    : NormalisationResult.Invalid(externalId, reader.TakeErrors());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private DateTime CurrentTime() => settings.Now ?? time.GetUtcNow().UtcDateTime;

    private enum Kind : byte { Unknown, Contact, Order, Ticket, EmailEvent, WebEvent }

    private static Kind KindOf(string? kind) => kind switch
    {
        RecordKinds.Contact => Kind.Contact,
        RecordKinds.Order => Kind.Order,
        RecordKinds.Ticket => Kind.Ticket,
        RecordKinds.EmailEvent => Kind.EmailEvent,
        RecordKinds.WebEvent => Kind.WebEvent,
        _ => Kind.Unknown,
    };

    /// <summary>The fixed reasons (the ones that depend on options live in <see cref="NormaliserSettings"/>).</summary>
    internal static class Reasons
    {
        public const string UnknownKind = "kind: unknown record kind";
        public const string Empty = "payload: empty";
        public const string NotUtf8 = "payload: not valid UTF-8";
        public const string NotJson = "payload: not valid JSON";
        public const string NotObject = "payload: must be a JSON object";
        public const string BadEscape = "payload: contains an escape sequence that is not a valid character";
        public const string CouldNotProcess = "payload: could not be processed";
    }
}

/// <summary>The options, checked and frozen, with the reasons that mention a limit formatted once.</summary>
internal sealed class NormaliserSettings
{
    public NormaliserSettings(NormalisationOptions options)
    {
        if (options.MaxPayloadBytes < 2) throw new ArgumentException("MaxPayloadBytes must be at least 2.", nameof(options));
        if (options.MaxDepth is < 2 or > 256) throw new ArgumentException("MaxDepth must be from 2 to 256.", nameof(options));
        if (options.MaxFieldLength < 1) throw new ArgumentException("MaxFieldLength must be positive.", nameof(options));
        if (options.MaxLines < 0) throw new ArgumentException("MaxLines must not be negative.", nameof(options));
        var region = options.DefaultRegion?.Trim().ToUpperInvariant() ?? "";
        if (!Phones.IsSupportedRegion(region))
            throw new ArgumentException("DefaultRegion must be an ISO 3166-1 alpha-2 region libphonenumber knows.", nameof(options));

        DefaultRegion = region;
        MaxPayloadBytes = options.MaxPayloadBytes;
        MaxDepth = options.MaxDepth;
        MaxFieldLength = options.MaxFieldLength;
        MaxLines = options.MaxLines;
        AcceptFictionalPhoneNumbers = options.AcceptFictionalPhoneNumbers;
        Now = options.Now is { } now ? (now.Kind == DateTimeKind.Local ? now.ToUniversalTime() : DateTime.SpecifyKind(now, DateTimeKind.Utc)) : null;

        StrictDocument = new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false };
        LenientDocument = new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = true };
        var invariant = CultureInfo.InvariantCulture;
        TooLargeReason = string.Create(invariant, $"payload: larger than {MaxPayloadBytes} bytes");
        TooDeepReason = string.Create(invariant, $"payload: nested deeper than {MaxDepth} levels");
        FieldTooLongProblem = string.Create(invariant, $"longer than {MaxFieldLength} characters");
        LongStringProblem = string.Create(invariant, $"contains a string longer than {MaxFieldLength} characters");
        TooManyLinesProblem = string.Create(invariant, $"more than {MaxLines} lines");
    }

    public string DefaultRegion { get; }
    public int MaxPayloadBytes { get; }
    public int MaxDepth { get; }
    public int MaxFieldLength { get; }
    public int MaxLines { get; }
    public bool AcceptFictionalPhoneNumbers { get; }
    public DateTime? Now { get; }
    public JsonDocumentOptions StrictDocument { get; }
    public JsonDocumentOptions LenientDocument { get; }
    public string TooLargeReason { get; }
    public string TooDeepReason { get; }
    public string FieldTooLongProblem { get; }
    public string LongStringProblem { get; }
    public string TooManyLinesProblem { get; }
}
