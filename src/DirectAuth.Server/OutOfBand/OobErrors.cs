using DirectAuth.Protocol;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.OutOfBand;

/// <summary>The out-of-band answers of PROTOCOL.md sections 5 and 6, worded once.</summary>
public static class OobErrors
{
    public static readonly OAuthError Pending = new(400, Errors.AuthorizationPending,
        "No user response received on the out-of-band authenticator yet. Continue polling to wait for a response.");

    public static readonly OAuthError SlowDown = new(400, Errors.SlowDown,
        "The client is polling too frequently. Wait for the 'interval' (now increased by 5 seconds) between requests.");

    public static readonly OAuthError Denied = new(400, Errors.AccessDenied,
        "The user denied the out-of-band authenticator request.");

    /// <summary>A push with number challenge answered with another number: still <c>access_denied</c>, as the contract says, worded apart.</summary>
    public static readonly OAuthError WrongNumber = new(400, Errors.AccessDenied, ErrorDescriptions.WrongNumber);

    public static readonly OAuthError WrongBindingCode = OAuthError.InvalidGrant(
        "The 'otp' provided is either empty or incorrect. Use the correct OTP and try again.");

    public static readonly OAuthError OtherClient = OAuthError.InvalidRequest(
        "The 'oob_code' was not issued to this client. Review the values and try again.");

    public static readonly OAuthError OtherMfaToken = OAuthError.InvalidRequest(
        "The 'oob_code' and the 'mfa_token' provided are not associated with each other. Review the values and try again.");

    public static readonly OAuthError MfaCodeWithPrimaryGrant = OAuthError.InvalidRequest(
        "The 'oob_code' was issued for a multifactor challenge; use it with the mfa-oob grant and its 'mfa_token'.");

    public static readonly OAuthError TooManyPushes = new(429, Errors.InvalidGrant, "API call exceeded rate limit due to too many requests.");

    /// <summary>Expired, already used or unknown: Okta echoes the presented value (to the client only; the system log gets the wording without it).</summary>
    public static OAuthError Expired(string oobCode) => new(403, Errors.AccessDenied,
        $"'{(oobCode.Length > 64 ? oobCode[..64] + "…" : oobCode)}' has expired. Use a new 'oob_code' and try again.")
    {
        AuditDescription = "The 'oob_code' has expired, was already used or is unknown.",
    };
}
