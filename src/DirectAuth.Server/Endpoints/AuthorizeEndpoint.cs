using DirectAuth.Server.Http;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// {base}/v1/authorize exists because Okta's SDKs require an <c>authorization_endpoint</c> in discovery;
/// DirectAuth signs users in directly and has no browser flow, so it refuses every request.
/// </summary>
public static class AuthorizeEndpoint
{
    public static void MapAuthorizeEndpoint(this IEndpointRouteBuilder app) =>
        app.MapOAuth("authorize", ["GET", "POST"], () => new OAuthErrorResult(new OAuthError(400, "unsupported_response_type",
            "DirectAuth has no browser redirect flow; sign in with the token endpoint's direct grants.")));
}
