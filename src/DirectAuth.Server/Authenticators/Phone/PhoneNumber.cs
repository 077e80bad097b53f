using System.Text.RegularExpressions;

namespace DirectAuth.Server.Authenticators.Phone;

/// <summary>
/// E.164 phone numbers: '+', a country code that does not start with 0, 8 to 15 digits in all.
/// Spaces, dashes, dots and parentheses are accepted for readability (Okta's examples write
/// <c>+1-555-415-1337</c>) and removed; anything else is refused.
/// </summary>
public static partial class PhoneNumber
{
    public const string Rule = "Must be an E.164 phone number: '+', the country code and the number, 8 to 15 digits (e.g. +14155552671)";

    /// <summary>The number in canonical E.164 form (<c>+14155552671</c>), or null when it is not one.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 40) return null;
        var compact = Separators().Replace(value.Trim(), "");
        return E164().IsMatch(compact) ? compact : null;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"[\s\-\.\(\)]")]
    private static partial Regex Separators();
}
