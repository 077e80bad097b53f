using DirectAuth.Protocol;

namespace DirectAuth.Server.Http;

/// <summary>An OAuth error answer: status, <c>error</c>, <c>error_description</c> (and <c>mfa_token</c> for mfa_required).</summary>
public sealed record OAuthError(int Status, string Error, string Description)
{
    public string? MfaToken { get; init; }

    /// <summary>Extra response headers, e.g. <c>WWW-Authenticate</c> or rate-limit headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The description the system log records when <see cref="Description"/> echoes a presented secret (an oob_code).</summary>
    public string? AuditDescription { get; init; }

    /// <summary>What the system log may carry: <see cref="AuditDescription"/> or else <see cref="Description"/>.</summary>
    public string LoggedDescription => AuditDescription ?? Description;

    public ErrorResponse ToBody() => new() { Error = Error, ErrorDescription = Description, MfaToken = MfaToken };

    public static OAuthError InvalidRequest(string description) => new(400, Errors.InvalidRequest, description);
    public static OAuthError InvalidGrant(string description) => new(400, Errors.InvalidGrant, description);
    public static OAuthError InvalidScope(string description) => new(400, Errors.InvalidScope, description);
    public static OAuthError InvalidClient(string description = "Client authentication failed. Either the client or the client credentials are invalid.") =>
        new(401, Errors.InvalidClient, description);
    public static OAuthError MissingParameter(string name) =>
        InvalidRequest($"The '{name}' parameter is required.");
}
