using System.Globalization;
using Customer360Portal.Core.Search;
using Customer360Portal.Data.Model;

namespace Customer360Portal.Core.CustomerView;

/// <summary>Personal values a role sees only when its work needs them.</summary>
public enum SensitiveField { Email, Phone, DateOfBirth, Address }

/// <summary>
/// What a viewer's roles let them see of a profile's sensitive values; everything else is masked. One person with
/// several roles sees what any of them may. Agents verify callers and contact customers, so they see contact details
/// and address but only the year of birth; privacy officers answer access and rectification requests, so they see
/// everything; admins run the system and see none of it in clear.
/// </summary>
public sealed class ProfileMasking
{
    private static readonly Dictionary<string, SensitiveField[]> Visible = new()
    {
        [PortalRoles.Agent] = [SensitiveField.Email, SensitiveField.Phone, SensitiveField.Address],
        [PortalRoles.PrivacyOfficer] = Enum.GetValues<SensitiveField>(),
        [PortalRoles.Admin] = [],
        [PortalRoles.Marketer] = [],
    };

    private readonly HashSet<SensitiveField> visible;

    private ProfileMasking(IEnumerable<SensitiveField> visible) => this.visible = [.. visible];

    public static ProfileMasking ForRoles(IEnumerable<string> roles) =>
        new(roles.SelectMany(r => Visible.GetValueOrDefault(r, [])));

    public static ProfileMasking ForUser(System.Security.Claims.ClaimsPrincipal user) =>
        ForRoles(PortalRoles.All.Where(user.IsInRole));

    /// <summary>Sees every value in clear (tests, exports the privacy officer makes).</summary>
    public static ProfileMasking Nothing { get; } = new(Enum.GetValues<SensitiveField>());

    public bool Shows(SensitiveField field) => visible.Contains(field);

    /// <summary>True when at least one value is masked for this viewer (the page says so).</summary>
    public bool MasksAnything => visible.Count < Enum.GetValues<SensitiveField>().Length;

    public string? Email(string? email) => Shows(SensitiveField.Email) ? email : CustomerSearch.MaskEmail(email);

    public string? Phone(string? phone) => Shows(SensitiveField.Phone) ? phone : CustomerSearch.MaskPhone(phone);

    public string? DateOfBirth(DateOnly? date) => date is not { } d ? null
        : Shows(SensitiveField.DateOfBirth) ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : $"****-**-** (born {d.Year.ToString(CultureInfo.InvariantCulture)})";

    public string? Address(string? line) => string.IsNullOrWhiteSpace(line) || Shows(SensitiveField.Address) ? line : "*** (hidden for your role)";

    /// <summary>A golden-record or lineage value by field name (<see cref="Profiles.GoldenRecord.Fields"/>).</summary>
    public string? Field(string field, string? value) => value is null ? null : field switch
    {
        nameof(Customer.Email) => Email(value),
        nameof(Customer.Phone) => Phone(value),
        nameof(Customer.DateOfBirth) => DateOnly.TryParse(value, CultureInfo.InvariantCulture, out var date) ? DateOfBirth(date) : Mask(SensitiveField.DateOfBirth, value),
        nameof(Customer.AddressLine) => Address(value),
        _ => value,
    };

    public string Identifier(IdentifierType type, string value) => type switch
    {
        IdentifierType.Email => Email(value)!,
        IdentifierType.Phone => Phone(value)!,
        _ => value,
    };

    private string Mask(SensitiveField field, string value) => Shows(field) ? value : "***";
}
