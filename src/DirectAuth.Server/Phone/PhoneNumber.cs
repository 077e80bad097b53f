using PhoneNumbers;

namespace DirectAuth.Server.Phone;

/// <summary>
/// Phone numbers parsed with libphonenumber and kept in E.164 form (<c>+14155552671</c>). Spaces, dashes, dots and
/// parentheses are accepted (Okta's examples write <c>+1-555-415-1337</c>). A number without '+' and country code
/// is read in the default region (<c>Phone:DefaultRegion</c>); without one it is refused. The number must have a
/// possible length for its country (numbering plan ranges are not checked: 555 numbers are fine); letters
/// (vanity numbers, extensions) are refused.
/// </summary>
public static class PhoneNumber
{
    public const string Rule = "Must be a phone number in international (E.164) format: '+', the country code and the number (e.g. +14155552671)";

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The rule in an error message: with a default region, national numbers are also accepted.</summary>
    public static string RuleFor(string? defaultRegion) => string.IsNullOrEmpty(defaultRegion)
        ? Rule : $"Must be a phone number: international (E.164, +14155552671) or national in {defaultRegion.ToUpperInvariant()}";

    /// <summary>The number in canonical E.164 form, or null when it is not a phone number.</summary>
    public static string? Normalize(string? value, string? defaultRegion = null)
    {
        // Letters are refused: libphonenumber would read vanity numbers (1-800-FLOWERS) and extensions.
        if (string.IsNullOrWhiteSpace(value) || value.Length > 40 || value.Any(char.IsLetter)) return null;
        if (value.Trim().LastIndexOf('+') > 0) return null; // one '+', in front ("++1..." would parse)
        var region = string.IsNullOrEmpty(defaultRegion) ? null : defaultRegion.ToUpperInvariant();
        try
        {
            var number = Util.Parse(value.Trim(), region);
            if (number.HasExtension || Util.IsPossibleNumberWithReason(number) != PhoneNumberUtil.ValidationResult.IS_POSSIBLE) return null;
            return Util.Format(number, PhoneNumberFormat.E164);
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// The number as a sign-in may show it: the country code and the last four digits, the rest bullets of a fixed
    /// width (<c>+1 ••• ••• 0123</c>), so the mask tells neither the length nor the grouping. A short national
    /// number shows at most half its digits. Null when <paramref name="e164"/> is not a number.
    /// </summary>
    public static string? Mask(string? e164)
    {
        if (string.IsNullOrEmpty(e164)) return null;
        try
        {
            var number = Util.Parse(e164, null);
            var national = Util.GetNationalSignificantNumber(number);
            return MaskOf(number.CountryCode, national[^Math.Min(4, national.Length / 2)..]);
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>The mask of a number in <paramref name="countryCode"/> ending in <paramref name="lastDigits"/>.</summary>
    public static string MaskOf(int countryCode, string lastDigits) => $"+{countryCode} ••• ••• {lastDigits}";

    /// <summary>The country calling code of a region (<c>US</c> → 1), or null when the region is unknown or empty.</summary>
    public static int? CountryCodeOf(string? region)
    {
        if (string.IsNullOrEmpty(region)) return null;
        var code = Util.GetCountryCodeForRegion(region.ToUpperInvariant());
        return code == 0 ? null : code;
    }

    /// <summary>Whether libphonenumber knows the region code (ISO 3166 alpha-2, e.g. US, GB).</summary>
    public static bool IsRegion(string region) => Util.GetSupportedRegions().Contains(region.ToUpperInvariant());
}
