using System.Globalization;
using Customer360Portal.Data.Model;
using MudBlazor;

namespace Customer360Portal.Web.Components.Pages.Privacy;

/// <summary>How the request queue names types, regulations, statuses and history actions.</summary>
public static class RequestWording
{
    public static string Type(PrivacyRequestType type) => type switch
    {
        PrivacyRequestType.Access => "Access",
        PrivacyRequestType.Rectification => "Rectification",
        PrivacyRequestType.Erasure => "Erasure",
        PrivacyRequestType.Restriction => "Restriction of processing",
        PrivacyRequestType.Objection => "Objection / opt-out of sale",
        _ => type.ToString(),
    };

    public static string Regulation(Regulation regulation) => regulation switch
    {
        Data.Model.Regulation.Gdpr => "GDPR",
        Data.Model.Regulation.Ccpa => "CCPA",
        _ => regulation.ToString(),
    };

    public static string Status(PrivacyRequestStatus status) => status switch
    {
        PrivacyRequestStatus.Received => "Received",
        PrivacyRequestStatus.InProgress => "In progress",
        PrivacyRequestStatus.Completed => "Completed",
        PrivacyRequestStatus.Rejected => "Rejected",
        _ => status.ToString(),
    };

    public static Color StatusColor(PrivacyRequestStatus status) => status switch
    {
        PrivacyRequestStatus.Received => Color.Info,
        PrivacyRequestStatus.InProgress => Color.Primary,
        PrivacyRequestStatus.Completed => Color.Success,
        _ => Color.Default,
    };

    public static string Verification(IdentityVerification verification) => verification switch
    {
        IdentityVerification.NotVerified => "Not verified",
        IdentityVerification.Verified => "Verified",
        IdentityVerification.Failed => "Failed",
        _ => verification.ToString(),
    };

    public static Color VerificationColor(IdentityVerification verification) => verification switch
    {
        IdentityVerification.Verified => Color.Success,
        IdentityVerification.Failed => Color.Error,
        _ => Color.Default,
    };

    public static string Action(string action) => action switch
    {
        "received" => "Received",
        "assigned" => "Assignment",
        "linked" => "Profile",
        "note" => "Note",
        "access-package.exported" => "Access package downloaded",
        _ when action.StartsWith("verification:", StringComparison.Ordinal) => "Identity " + Verification(Enum.Parse<IdentityVerification>(action[13..])).ToLowerInvariant(),
        _ when action.StartsWith("status:", StringComparison.Ordinal) => "Status: " + Status(Enum.Parse<PrivacyRequestStatus>(action[7..])).ToLowerInvariant(),
        _ => action,
    };

    public static string Day(DateTime at) => at.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Time(DateTime at) => at.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
