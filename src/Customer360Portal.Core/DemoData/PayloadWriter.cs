using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Customer360Portal.Core.DemoData;

/// <summary>What is deliberately wrong with a malformed record.</summary>
internal enum Fault
{
    None,
    /// <summary>The external id field is missing.</summary>
    MissingId,
    /// <summary>The required time field is missing.</summary>
    MissingTime,
    /// <summary>Another required field is missing (order total, ticket subject, track event).</summary>
    MissingRequired,
    /// <summary>None of the fields that say who it is about.</summary>
    NoIdentity,
    /// <summary>A required field of the wrong JSON type (a time as a number, a total as words).</summary>
    WrongType,
    BadEmail,
    FutureTime,
    ControlChars,
    NegativeTotal,
    /// <summary>A value outside the allowed set (currency, event type).</summary>
    BadValue,
    /// <summary>The JSON is cut off part way.</summary>
    Truncated,
}

/// <summary>Writes payloads with one reusable buffer; not thread-safe, one per slice being built.</summary>
internal sealed class PayloadWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Payloads are data, never embedded in HTML: keep "+44" and "é" as they are, as real sources send them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private readonly Utf8JsonWriter _json;

    public PayloadWriter() => _json = new Utf8JsonWriter(_buffer, Options);

    public Utf8JsonWriter Begin()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        return _json;
    }

    public byte[] End(Fault fault)
    {
        _json.WriteEndObject();
        _json.Flush();
        var written = _buffer.WrittenSpan;
        return fault == Fault.Truncated ? written[..(written.Length * 3 / 5)].ToArray() : written.ToArray();
    }

    /// <summary>Text with a control character slipped in (a pasted bell or escape), for <see cref="Fault.ControlChars"/>.</summary>
    public static string WithControlChar(string text, DemoRandom rng)
    {
        char[] controls = ['\u0000', '\u0007', '\u001b', '\u0008', '\u0001'];
        var at = rng.Next(text.Length + 1);
        return text.Insert(at, controls[rng.Next(controls.Length)].ToString());
    }

    /// <summary>An address that no mail system would accept.</summary>
    public static string BreakEmail(string email, DemoRandom rng) => rng.Next(4) switch
    {
        0 => email.Replace("@", "", StringComparison.Ordinal),
        1 => email.Replace("@", "@@", StringComparison.Ordinal),
        2 => email.Replace(".", " ", StringComparison.Ordinal),
        _ => email.Replace("@", "@.", StringComparison.Ordinal),
    };

    public static string Reason(Fault fault, string? field = null) => fault switch
    {
        Fault.MissingId or Fault.MissingTime or Fault.MissingRequired => "missing-field:" + field,
        Fault.NoIdentity => "no-identifier",
        Fault.WrongType => "wrong-type:" + field,
        Fault.BadEmail => "bad-email",
        Fault.FutureTime => "future-timestamp",
        Fault.ControlChars => "control-characters",
        Fault.NegativeTotal => "negative-total",
        Fault.BadValue => "bad-value:" + field,
        Fault.Truncated => "truncated-json",
        _ => "",
    };
}
