namespace DirectAuth.Protocol;

/// <summary>OAuth <c>error</c> codes used in DirectAuth responses.</summary>
public static class Errors
{
    /// <summary>The request is malformed: missing, duplicated or invalid parameter.</summary>
    public const string InvalidRequest = "invalid_request";
    /// <summary>Client authentication failed.</summary>
    public const string InvalidClient = "invalid_client";
    /// <summary>The grant (credentials, code, token) is invalid.</summary>
    public const string InvalidGrant = "invalid_grant";
    /// <summary>The client may not use this grant type.</summary>
    public const string UnauthorizedClient = "unauthorized_client";
    /// <summary>The grant type is not known to the server.</summary>
    public const string UnsupportedGrantType = "unsupported_grant_type";
    /// <summary>A requested scope is not allowed.</summary>
    public const string InvalidScope = "invalid_scope";
    /// <summary>The sign-in needs another factor; the body carries an <c>mfa_token</c>.</summary>
    public const string MfaRequired = "mfa_required";
    /// <summary>The out-of-band factor has not been answered yet.</summary>
    public const string AuthorizationPending = "authorization_pending";
    /// <summary>The client polls faster than <c>interval</c>.</summary>
    public const string SlowDown = "slow_down";
    /// <summary>The user denied, or the transaction expired or was used.</summary>
    public const string AccessDenied = "access_denied";
    /// <summary>The bearer token is missing, expired or revoked (RFC 6750).</summary>
    public const string InvalidToken = "invalid_token";
    /// <summary>The token type hint is not supported (RFC 7009).</summary>
    public const string UnsupportedTokenType = "unsupported_token_type";
    /// <summary>The requested challenge type or channel cannot be served.</summary>
    public const string UnsupportedChallengeType = "unsupported_challenge_type";
    /// <summary>The server cannot serve the request right now.</summary>
    public const string ServerError = "server_error";
}

/// <summary>
/// <c>error_description</c> texts DirectAuth words one way, so that a client can tell these cases apart from others
/// with the same <c>error</c> code. Okta words its own differently.
/// </summary>
public static class ErrorDescriptions
{
    /// <summary>
    /// <c>400 access_denied</c> from polling a push with number challenge: the user picked (or typed) a number other
    /// than the <c>binding_code</c> the client showed. A plain denial keeps Okta's wording.
    /// </summary>
    public const string WrongNumber =
        "The number picked on the authenticator is not the one the app showed, so the push was denied. Start the sign-in again and pick the number shown.";

    /// <summary>
    /// <c>400 access_denied</c> from a sign-in grant: the app's rule requires a second factor and the user has none it
    /// accepts. With DirectAuth the app can have the user enroll one (docs/self-service.md, "A first factor").
    /// </summary>
    public const string NoEnrolledFactor =
        "The app's sign-on policy requires an additional factor, and the user has no enrolled factor that the policy accepts.";
}
