using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Customer360Portal.Core.Ingestion.Normalisation;

internal enum FieldState : byte { Missing, Valid, Invalid }

/// <summary>
/// A field's name for lookup and its path for reasons ("email", "address.country", "lines[2].quantity"). The path
/// string is only built when a reason is written, so valid records pay nothing for it.
/// </summary>
internal readonly struct FieldPath(string? parent, int index, string name)
{
    public string Name => name;

    public static implicit operator FieldPath(string name) => new(null, -1, name);

    public static FieldPath In(string parent, string name) => new(parent, -1, name);

    public static FieldPath At(string parent, int index, string name = "") => new(parent, index, name);

    public override string ToString() => (parent, index, name) switch
    {
        (null, _, _) => name,
        (_, < 0, _) => string.Concat(parent, ".", name),
        (_, _, "") => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}].{name}"),
    };
}

/// <summary>
/// Reads one record's fields: typed getters that trim, check and record a reason for every failed rule. Reasons are
/// "&lt;field&gt;: &lt;problem&gt;" and never carry the value. One instance per <see cref="RecordNormaliser.Normalise"/> call.
/// </summary>
internal sealed class RecordReader(NormaliserSettings settings, DateTime now)
{
    /// <summary>
    /// Reasons kept per record. A hostile order with 500 bad lines would otherwise yield thousands of reasons;
    /// the quarantine column holds 2,000 characters.
    /// </summary>
    public const int MaxReasons = 25;

    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const decimal MaxAmount = 1_000_000_000_000m;

    private List<string>? errors;
    private int unlisted;

    public NormaliserSettings Settings => settings;
    public bool HasErrors => errors is not null;
    /// <summary>True once a field-level "longer than" reason was written (so the payload-wide one is not repeated).</summary>
    public bool ReportedLongString { get; private set; }

    public void Fail(in FieldPath field, string problem)
    {
        errors ??= new List<string>(4);
        if (errors.Count >= MaxReasons)
        {
            unlisted++;
            return;
        }
        errors.Add(string.Concat(field.ToString(), ": ", problem));
    }

    public IReadOnlyList<string> TakeErrors()
    {
        if (errors is null) return [];
        if (unlisted > 0) errors.Add(string.Create(CultureInfo.InvariantCulture, $"payload: {unlisted} more problems not listed"));
        return errors;
    }

    public static bool TryGet(JsonElement obj, in FieldPath field, out JsonElement value) =>
        obj.TryGetProperty(field.Name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A string, trimmed; an empty or blank string counts as missing (CRM exports write "" for empty).</summary>
    public FieldState String(JsonElement obj, in FieldPath field, out string value, bool acceptWholeNumber = false)
    {
        value = "";
        if (!TryGet(obj, field, out var element)) return FieldState.Missing;
        string text;
        if (element.ValueKind == JsonValueKind.String)
        {
            text = element.GetString()!;
        }
        else if (acceptWholeNumber && element.ValueKind == JsonValueKind.Number && IsWholeNumber(element))
        {
            text = element.GetRawText();
        }
        else
        {
            Fail(field, acceptWholeNumber ? "must be a string or whole number" : "must be a string");
            return FieldState.Invalid;
        }
        if (text.Length > settings.MaxFieldLength)
        {
            FailTooLong(field, settings.MaxFieldLength, text.Length);
            return FieldState.Invalid;
        }
        value = text.Trim();
        return value.Length == 0 ? FieldState.Missing : FieldState.Valid;
    }

    /// <summary>True for a plain non-negative integer literal: no sign, fraction or exponent.</summary>
    private static bool IsWholeNumber(JsonElement number)
    {
        var raw = JsonMarshal.GetRawUtf8Value(number);
        if (raw.Length is 0 or > 19) return false;
        foreach (byte b in raw)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
        }
        return true;
    }

    /// <summary>Free text: control characters refused (tab and line breaks too unless <paramref name="multiline"/>).</summary>
    public FieldState Text(JsonElement obj, in FieldPath field, out string value, int maxLength = 0, bool multiline = false)
    {
        var state = String(obj, field, out value);
        if (state != FieldState.Valid) return state;
        if (TextRules.HasControl(value, multiline))
        {
            Fail(field, "contains control characters");
            return FieldState.Invalid;
        }
        if (maxLength > 0 && value.Length > maxLength)
        {
            Fail(field, LongerThan(maxLength));
            return FieldState.Invalid;
        }
        return FieldState.Valid;
    }

    /// <summary>An identifier (string or whole number). <paramref name="value"/> holds what was read even when invalid.</summary>
    public FieldState Id(JsonElement obj, in FieldPath field, out string value)
    {
        var state = String(obj, field, out value, acceptWholeNumber: true);
        if (state != FieldState.Valid) return state;
        if (value.Length > TextRules.MaxIdLength)
        {
            Fail(field, LongerThan(TextRules.MaxIdLength));
            return FieldState.Invalid;
        }
        switch (TextRules.CheckId(value))
        {
            case TextRules.IdProblem.Control:
                Fail(field, "contains control or invisible characters");
                return FieldState.Invalid;
            case TextRules.IdProblem.Disallowed:
                Fail(field, "contains characters not allowed in an identifier");
                return FieldState.Invalid;
            default:
                return FieldState.Valid;
        }
    }

    public FieldState Email(JsonElement obj, in FieldPath field, out string? email)
    {
        email = null;
        var state = String(obj, field, out var raw);
        if (state != FieldState.Valid) return state;
        if (!EmailAddresses.TryNormalise(raw, out var normalised))
        {
            Fail(field, "not a valid email address");
            return FieldState.Invalid;
        }
        email = normalised;
        return FieldState.Valid;
    }

    public FieldState Phone(JsonElement obj, in FieldPath field, string? country, out string? phone)
    {
        phone = null;
        var state = String(obj, field, out var raw, acceptWholeNumber: true);
        if (state != FieldState.Valid) return state;
        if (!Phones.TryNormalise(raw, country ?? settings.DefaultRegion, settings.AcceptFictionalPhoneNumbers, out var e164))
        {
            Fail(field, "not a valid phone number");
            return FieldState.Invalid;
        }
        phone = e164;
        return FieldState.Valid;
    }

    public FieldState Name(JsonElement obj, in FieldPath field, out string? name)
    {
        name = null;
        var state = String(obj, field, out var raw);
        if (state != FieldState.Valid) return state;
        switch (PersonNames.Normalise(raw, out var normalised))
        {
            case PersonNames.Problem.None:
                name = normalised;
                return FieldState.Valid;
            case PersonNames.Problem.Empty:
                return FieldState.Missing;
            case PersonNames.Problem.TooLong:
                Fail(field, LongerThan(PersonNames.MaxLength));
                return FieldState.Invalid;
            default:
                Fail(field, "contains characters not allowed in a name");
                return FieldState.Invalid;
        }
    }

    public FieldState Country(JsonElement obj, in FieldPath field, out string? country)
    {
        country = null;
        var state = String(obj, field, out var raw);
        if (state != FieldState.Valid) return state;
        if (!Countries.TryNormalise(raw, out var alpha2))
        {
            Fail(field, "unknown country");
            return FieldState.Invalid;
        }
        country = alpha2;
        return FieldState.Valid;
    }

    /// <summary>ISO 8601 with or without an offset (none means UTC), returned as UTC; 1970 to a day from now.</summary>
    /// <param name="allowFuture">For times that are meant to lie ahead (a consent's expiry); otherwise more than a day ahead is refused.</param>
    public FieldState Timestamp(JsonElement obj, in FieldPath field, out DateTime utc, bool allowFuture = false)
    {
        utc = default;
        if (!TryGet(obj, field, out var element)) return FieldState.Missing;
        if (element.ValueKind == JsonValueKind.String && element.ValueEquals(ReadOnlySpan<byte>.Empty))
            return FieldState.Missing;
        if (element.ValueKind != JsonValueKind.String || !TryParseTimestamp(element, out utc))
        {
            Fail(field, "must be an ISO 8601 date and time");
            return FieldState.Invalid;
        }
        if (!allowFuture && utc > now.AddDays(1))
        {
            Fail(field, "is more than a day in the future");
            return FieldState.Invalid;
        }
        if (utc < Epoch)
        {
            Fail(field, "is before 1970");
            return FieldState.Invalid;
        }
        return FieldState.Valid;
    }

    private static bool TryParseTimestamp(JsonElement element, out DateTime utc)
    {
        // System.Text.Json's ISO 8601 parser: no offset gives Unspecified (taken as UTC), "Z" gives Utc, and an
        // explicit offset gives Local, which is re-read as a DateTimeOffset so the machine's zone plays no part.
        if (!element.TryGetDateTime(out var value))
        {
            utc = default;
            return false;
        }
        switch (value.Kind)
        {
            case DateTimeKind.Utc:
                utc = value;
                return true;
            case DateTimeKind.Unspecified:
                utc = DateTime.SpecifyKind(value, DateTimeKind.Utc);
                return true;
            default:
                bool ok = element.TryGetDateTimeOffset(out var withOffset);
                utc = ok ? withOffset.UtcDateTime : default;
                return ok;
        }
    }

    /// <summary>A date of birth: exactly yyyy-MM-dd, not in the future, at most 120 years ago.</summary>
    public FieldState DateOfBirth(JsonElement obj, in FieldPath field, out DateOnly? dateOfBirth)
    {
        dateOfBirth = null;
        var state = String(obj, field, out var raw);
        if (state != FieldState.Valid) return state;
        if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Fail(field, "must be a date in yyyy-MM-dd form");
            return FieldState.Invalid;
        }
        var today = DateOnly.FromDateTime(now);
        if (date > today)
        {
            Fail(field, "is in the future");
            return FieldState.Invalid;
        }
        if (date <= today.AddYears(-121))
        {
            Fail(field, "is more than 120 years ago");
            return FieldState.Invalid;
        }
        dateOfBirth = date;
        return FieldState.Valid;
    }

    /// <summary>A non-negative amount in major units (JSON number or decimal string), at most 10^12.</summary>
    public FieldState Amount(JsonElement obj, in FieldPath field, out decimal amount)
    {
        amount = 0;
        if (!TryGet(obj, field, out var element)) return FieldState.Missing;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                if (!element.TryGetDecimal(out amount))
                {
                    Fail(field, "out of range");
                    return FieldState.Invalid;
                }
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.Length > settings.MaxFieldLength)
                {
                    FailTooLong(field, settings.MaxFieldLength, text.Length);
                    return FieldState.Invalid;
                }
                if (text.AsSpan().Trim().IsEmpty) return FieldState.Missing;
                // Plain decimals only: no thousands separators, currency symbols or exponents ("1,234.50", "£12", "1e3").
                const NumberStyles style = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
                                           | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;
                if (!decimal.TryParse(text, style, CultureInfo.InvariantCulture, out amount))
                {
                    Fail(field, "must be a number or decimal string");
                    return FieldState.Invalid;
                }
                break;
            default:
                Fail(field, "must be a number or decimal string");
                return FieldState.Invalid;
        }
        if (amount < 0)
        {
            Fail(field, "must not be negative");
            return FieldState.Invalid;
        }
        if (amount > MaxAmount)
        {
            Fail(field, "larger than 1000000000000");
            return FieldState.Invalid;
        }
        return FieldState.Valid;
    }

    /// <summary>The amount in minor units of the currency; a reason when it has more decimals than the currency has.</summary>
    public bool ToMinorUnits(decimal amount, in FieldPath field, string currency, int exponent, out long minor)
    {
        decimal scaled = amount * Currencies.Factor(exponent);
        if (scaled != decimal.Truncate(scaled))
        {
            Fail(field, string.Concat("has more decimal places than ", currency, " allows"));
            minor = 0;
            return false;
        }
        minor = (long)scaled;
        return true;
    }

    /// <summary>One of a fixed set of words, any case; <paramref name="index"/> is its position in <paramref name="choices"/>.</summary>
    public FieldState Choice(JsonElement obj, in FieldPath field, string[] choices, string problem, out int index)
    {
        index = -1;
        var state = String(obj, field, out var raw);
        if (state != FieldState.Valid) return state;
        for (int i = 0; i < choices.Length; i++)
        {
            if (string.Equals(raw, choices[i], StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                return FieldState.Valid;
            }
        }
        Fail(field, problem);
        return FieldState.Invalid;
    }

    /// <summary>An object-valued field: missing, the object, or a reason when it is another type.</summary>
    public FieldState Object(JsonElement obj, in FieldPath field, out JsonElement value)
    {
        if (!TryGet(obj, field, out value)) return FieldState.Missing;
        if (value.ValueKind == JsonValueKind.Object) return FieldState.Valid;
        Fail(field, "must be an object");
        return FieldState.Invalid;
    }

    /// <summary>A "longer than" reason; one for a string over the payload-wide limit also stands for that limit.</summary>
    public void FailTooLong(in FieldPath field, int max, int length)
    {
        Fail(field, LongerThan(max));
        if (length > settings.MaxFieldLength) ReportedLongString = true;
    }

    public void Require(FieldState state, in FieldPath field)
    {
        if (state == FieldState.Missing) Fail(field, "is required");
    }

    public string LongerThan(int max) => max == settings.MaxFieldLength
        ? settings.FieldTooLongProblem
        : string.Create(CultureInfo.InvariantCulture, $"longer than {max} characters");
}
