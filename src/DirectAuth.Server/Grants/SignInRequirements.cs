using System.Globalization;
using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Policies;

namespace DirectAuth.Server.Grants;

/// <summary>
/// What a sign-in's token request asks of the authentication beyond the app's policy (OIDC Core 3.1.2.1, used by RFC 9470
/// step-up): <c>max_age</c> and <c>acr_values</c>, on every grant that signs a user in (password, otp, oob, webauthn).
/// <list type="bullet">
/// <item><c>max_age</c>: a non-negative integer, else <c>400 invalid_request</c>. A direct sign-in always authenticates the
/// user in the request itself, so the tokens' <c>auth_time</c> is that moment and any <c>max_age</c> is met.</item>
/// <item><c>acr_values</c>: the first value DirectAuth knows decides (the list is in order of preference); values it does not
/// know are ignored, as OIDC makes <c>acr</c> a voluntary claim and Okta's SDKs may send their own.
/// <c>urn:okta:loa:2fa:any</c> requires a second factor whatever the policy says (a user with none the policy accepts is
/// refused, <c>access_denied</c>); <c>urn:okta:loa:2fa:any:ifpossible</c> requires one when the user has one;
/// <c>phr</c>/<c>phrh</c> require a passkey (as the primary factor with user verification, or as the second factor);
/// <c>urn:okta:loa:1fa:any</c>/<c>1fa:pwd</c> add nothing. The policy is only ever made stricter.</item>
/// </list>
/// </summary>
public static class SignInRequirements
{
    public static readonly string[] Known = [Acr.OneFactorAny, Acr.OneFactorPassword, Acr.TwoFactor, TwoFactorIfPossible, Acr.PhishingResistant, PhishingResistantHardware];
    public const string TwoFactorIfPossible = "urn:okta:loa:2fa:any:ifpossible";
    public const string PhishingResistantHardware = "phrh";

    /// <summary>The first known <c>acr_values</c> value (or null), or the error of a malformed <c>max_age</c>.</summary>
    public static (string? Acr, OAuthError? Error) Read(FormBody form)
    {
        if (form[Parameters.MaxAge] is { } maxAge
            && (!long.TryParse(maxAge, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 0))
            return (null, OAuthError.InvalidRequest("The 'max_age' parameter must be a non-negative integer (seconds)."));
        var acr = form[Parameters.AcrValues]?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(Known.Contains);
        return (acr, null);
    }

    /// <summary>The policy made as strict as <paramref name="acr"/> asks.</summary>
    public static EffectivePolicy Apply(EffectivePolicy policy, string? acr) => acr switch
    {
        Acr.TwoFactor => policy with { SecondFactor = SecondFactorModes.Required },
        TwoFactorIfPossible when policy.SecondFactor == SecondFactorModes.None => policy with { SecondFactor = SecondFactorModes.IfEnrolled },
        Acr.PhishingResistant or PhishingResistantHardware => policy with
        {
            SecondFactor = SecondFactorModes.Required, SecondFactors = [FactorKinds.Webauthn], PasskeyCountsAsTwoFactors = true,
        },
        _ => policy,
    };
}
