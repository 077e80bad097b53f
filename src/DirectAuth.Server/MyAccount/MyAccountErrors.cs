using DirectAuth.Server.Http;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// The errors of the MyAccount API's Bearer layer (RFC 6750, RFC 9470), as OAuth error bodies with a
/// <c>WWW-Authenticate</c> header. Errors about the resource itself (validation, not found, conflict) are
/// Okta API error bodies (<see cref="OktaErrors"/>).
/// </summary>
public static class MyAccountErrors
{
    public const string InsufficientUserAuthentication = "insufficient_user_authentication";

    /// <summary>No credential at all: <c>401</c>, <c>WWW-Authenticate: Bearer</c> (RFC 6750 §3.1: no error code).</summary>
    public static readonly OAuthErrorResult NoCredential = new(new OAuthError(401, Protocol.Errors.InvalidRequest,
        "The access token is missing: send it as 'Authorization: Bearer {token}'.")
    {
        Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" },
    });

    /// <summary>A credential that is invalid, expired, revoked, of another server, or of a user who is no longer active.</summary>
    public static readonly OAuthErrorResult InvalidToken = new(new OAuthError(401, Protocol.Errors.InvalidToken, "The access token is invalid.")
    {
        Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer error=\"invalid_token\", error_description=\"The access token is invalid.\"" },
    });

    /// <summary><c>403 insufficient_scope</c> naming the scope the operation needs.</summary>
    public static OAuthErrorResult InsufficientScope(string scope)
    {
        var description = $"The access token must provide access to at least one of these scopes: {scope}";
        return new(new OAuthError(403, "insufficient_scope", description)
        {
            Headers = new Dictionary<string, string>
            {
                ["WWW-Authenticate"] = $"Bearer error=\"insufficient_scope\", error_description=\"{description}\", scope=\"{scope}\"",
            },
        });
    }

    /// <summary>
    /// RFC 9470 §3: the sign-in behind the token is too old (<paramref name="maxAge"/>) or did not use a factor the user
    /// has (<paramref name="acrValues"/>); the app signs the user in again, asking for what the header names.
    /// </summary>
    public static OAuthErrorResult StepUpRequired(string description, int? maxAge, string? acrValues)
    {
        var header = $"Bearer error=\"{InsufficientUserAuthentication}\", error_description=\"{description}\"";
        if (acrValues is not null) header += $", acr_values=\"{acrValues}\"";
        if (maxAge is not null) header += $", max_age={maxAge}";
        return new(new OAuthError(401, InsufficientUserAuthentication, description)
        {
            Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = header },
        });
    }
}
