namespace DirectAuth.Client;

/// <summary>What kind of failure a <see cref="DirectAuthError"/> is, for the app to decide what to tell the user.</summary>
public enum DirectAuthErrorKind
{
    /// <summary>
    /// Wrong username or password, a passkey assertion the server refused, or the account cannot sign in (locked,
    /// suspended). The description says which.
    /// </summary>
    InvalidCredentials,
    /// <summary>A wrong one-time code: OTP, SMS or voice code, recovery code. The user may try again while the sign-in lasts.</summary>
    InvalidCode,
    /// <summary>The user denied the push, or picked the wrong number (HTTP 400 <c>access_denied</c>).</summary>
    Denied,
    /// <summary>
    /// The sign-in transaction (<c>oob_code</c>, <c>mfa_token</c> or passkey challenge) expired or was already used: HTTP 403
    /// <c>access_denied</c>, or no answer before its <c>expires_in</c>. Start again.
    /// </summary>
    Expired,
    /// <summary>The refresh token is invalid, expired, revoked or was already used (<c>invalid_grant</c>).</summary>
    InvalidGrant,
    /// <summary>The chosen factor cannot be used: not offered by the server, or not available for this user (<c>unsupported_challenge_type</c>).</summary>
    FactorUnavailable,
    /// <summary>Too many requests (HTTP 429); see <see cref="DirectAuthError.RetryAfter"/>.</summary>
    RateLimited,
    /// <summary>
    /// The server refused the app rather than the user: <c>invalid_client</c>, <c>unauthorized_client</c>,
    /// <c>invalid_scope</c>, <c>unsupported_grant_type</c>, <c>invalid_request</c>. A configuration problem.
    /// </summary>
    ClientRejected,
    /// <summary>The server failed (HTTP 5xx); <see cref="DirectAuthError.ErrorId"/> finds it in the server's log.</summary>
    ServerError,
    /// <summary>The server's answer is not what the protocol allows (not JSON, a required field missing, a discovery document for another issuer).</summary>
    InvalidResponse,
    /// <summary>The id_token failed validation (signature, issuer, audience, expiry, at_hash): no tokens are returned.</summary>
    InvalidIdToken,
    /// <summary>The server could not be reached, or did not answer in time.</summary>
    Network,
    /// <summary>An error code this SDK does not know; see <see cref="DirectAuthError.Code"/>.</summary>
    Other,
}

/// <summary>A failure, as the server reported it (or as the SDK found it), classified by <see cref="Kind"/>.</summary>
/// <param name="Kind">What kind of failure this is.</param>
/// <param name="Code">The OAuth <c>error</c> (or Okta <c>errorCode</c>) from the server; null when the SDK itself found the problem.</param>
/// <param name="Description">A human-readable description, from the server when it gave one.</param>
public sealed record DirectAuthError(DirectAuthErrorKind Kind, string? Code, string Description)
{
    /// <summary>The HTTP status of the answer, when there was one.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Okta's <c>errorId</c> of a 5xx answer, to find the failure in the server's log.</summary>
    public string? ErrorId { get; init; }

    /// <summary>For <see cref="DirectAuthErrorKind.RateLimited"/>: when the limit resets (from <c>X-Rate-Limit-Reset</c>).</summary>
    public DateTimeOffset? RetryAfter { get; init; }

    /// <summary>
    /// For <see cref="DirectAuthErrorKind.Denied"/>: the user picked a number other than <see cref="Waiting.BindingCode"/>
    /// in the authenticator app (DirectAuth says so in <c>error_description</c>; Okta's answer does not tell, so
    /// false there). A new sign-in shows a new number.
    /// </summary>
    public bool WrongNumber { get; init; }

    /// <summary>
    /// The app's sign-on policy requires a second factor and the user has none it accepts (DirectAuth words this apart;
    /// false with Okta). With DirectAuth the user can enroll a first one: a password sign-in at the org issuer (the
    /// server's origin) for <c>okta.myAccount.authenticators.manage</c> alone gets a token for <see cref="MyAccount.MyAccountClient"/>
    /// (docs/self-service.md, "A first factor").
    /// </summary>
    public bool NoEnrolledFactor { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Code is null ? $"{Kind}: {Description}" : $"{Kind} ({Code}): {Description}";
}

/// <summary>Thrown by the operations that are not sign-in steps (refresh, revoke, discovery) when they fail.</summary>
public sealed class DirectAuthException : Exception
{
    /// <summary>Creates the exception for an error.</summary>
    public DirectAuthException(DirectAuthError error, Exception? inner = null) : base(error.ToString(), inner) => Error = error;

    /// <summary>What went wrong.</summary>
    public DirectAuthError Error { get; }
}
