using DirectAuth.Protocol;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Endpoints;

/// <summary>GET/POST {base}/v1/userinfo with a Bearer access token that has the <c>openid</c> scope (RFC 6750 errors).</summary>
public static class UserinfoEndpoint
{
    public static void MapUserinfoEndpoint(this IEndpointRouteBuilder app) => app.MapOAuth("userinfo", ["GET", "POST"], HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext http, ServerDirectory directory, AccessTokenValidator validator, DirectAuthDb db)
    {
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null) return notFound!;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Unauthorized(Errors.InvalidRequest, "The access token is missing: send it as 'Authorization: Bearer {token}'.", includeError: false);

        var jwt = await validator.ValidateAsync(context, header[7..].Trim(), http.RequestAborted);
        if (jwt is null) return Unauthorized(Errors.InvalidToken, "The access token is invalid.");
        var scopes = jwt.TryGetPayloadValue<string[]>("scp", out var scp) ? scp : [];
        if (!scopes.Contains(Scopes.OpenId))
            return new OAuthErrorResult(new OAuthError(403, "insufficient_scope", "The access token must provide access to at least one of these scopes: openid")
            {
                Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer error=\"insufficient_scope\", scope=\"openid\"" },
            });
        if (!jwt.TryGetPayloadValue<string>("uid", out var uid)) return Unauthorized(Errors.InvalidToken, "The access token does not belong to a user.");
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == uid, http.RequestAborted);
        if (user is not { Status: UserStatus.Active }) return Unauthorized(Errors.InvalidToken, "The access token is invalid.");

        var claims = new Dictionary<string, object> { ["sub"] = user.Id };
        foreach (var (name, value) in UserClaims.For(user, scopes)) claims[name] = value;
        return new JsonBodyResult(claims);
    }

    private static OAuthErrorResult Unauthorized(string error, string description, bool includeError = true) =>
        new(new OAuthError(401, error, description)
        {
            Headers = new Dictionary<string, string>
            {
                ["WWW-Authenticate"] = includeError ? $"Bearer error=\"{error}\", error_description=\"{description}\"" : "Bearer",
            },
        });
}
