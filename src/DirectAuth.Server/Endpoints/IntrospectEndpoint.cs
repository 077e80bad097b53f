using DirectAuth.Protocol;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.ClientAuthentication;
using DirectAuth.Server.Http;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// POST {base}/v1/introspect (RFC 7662). Any authenticated client may introspect this server's access
/// tokens (resource servers do); a refresh token only by the client it was issued to. Anything else is
/// <c>{"active":false}</c>.
/// </summary>
public static class IntrospectEndpoint
{
    public static void MapIntrospectEndpoint(this IEndpointRouteBuilder app) => app.MapOAuth("introspect", ["POST"], HandleAsync);

    private static async Task<IResult> HandleAsync(
        HttpContext http, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients,
        AccessTokenValidator validator, DirectAuthDb db, TimeProvider clock)
    {
        var ct = http.RequestAborted;
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null) return notFound!;
        var (form, formError) = await reader.ReadAsync(http.Request, ct);
        if (form is null) return new OAuthErrorResult(formError!);
        var (client, clientError) = await clients.AuthenticateAsync(context, form, http.Request.Headers.Authorization, context.EndpointUrl("introspect"), ct);
        if (client is null) return new OAuthErrorResult(clientError!);
        var token = form[Parameters.Token];
        if (token is null) return new OAuthErrorResult(OAuthError.MissingParameter(Parameters.Token));

        var hint = form[Parameters.TokenTypeHint];
        if (hint is not null and not "access_token" and not "refresh_token" and not "id_token")
            return new OAuthErrorResult(new OAuthError(400, Errors.UnsupportedTokenType, $"The token_type_hint '{hint}' is not supported."));

        // RFC 7662 section 2.1: the hint only orders the search; a token of the other type is still found.
        if (hint == "refresh_token")
            return new JsonBodyResult(await DescribeRefreshAsync(db, clock, context, client.ClientId, token, ct)
                ?? await DescribeAccessAsync(validator, context, token, ct) ?? Inactive());
        return new JsonBodyResult(await DescribeAccessAsync(validator, context, token, ct)
            ?? await DescribeRefreshAsync(db, clock, context, client.ClientId, token, ct) ?? Inactive());
    }

    private static Dictionary<string, object?> Inactive() => new() { ["active"] = false };

    private static async Task<Dictionary<string, object?>?> DescribeAccessAsync(AccessTokenValidator validator, OAuthContext context, string token, CancellationToken ct) =>
        await validator.ValidateAsync(context, token, ct) is { } jwt ? Describe(jwt, context) : null;

    /// <summary>A refresh token is described only to the client it was issued to.</summary>
    private static async Task<Dictionary<string, object?>?> DescribeRefreshAsync(
        DirectAuthDb db, TimeProvider clock, OAuthContext context, string clientId, string token, CancellationToken ct)
    {
        if (token.Length > 512) return null;
        var hash = Secrets.Hash(token);
        var refresh = await db.Set<RefreshToken>().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (refresh is not { ConsumedAt: null, RevokedAt: null } || refresh.ExpiresAt <= clock.GetUtcNow()
            || refresh.ClientId != clientId || refresh.ServerId != context.Server.Id)
            return null;
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == refresh.UserId, ct);
        if (user is not { Status: UserStatus.Active }) return null;
        return new Dictionary<string, object?>
        {
            ["active"] = true, ["token_type"] = "refresh_token", ["scope"] = refresh.Scopes,
            ["client_id"] = refresh.ClientId, ["username"] = user.Login, ["sub"] = user.Login, ["uid"] = user.Id,
            ["iat"] = refresh.Created.ToUnixTimeSeconds(), ["exp"] = refresh.ExpiresAt.ToUnixTimeSeconds(),
            ["iss"] = context.Issuer,
        };
    }

    private static Dictionary<string, object?> Describe(JsonWebToken jwt, OAuthContext context)
    {
        var scopes = jwt.TryGetPayloadValue<string[]>("scp", out var scp) ? scp : [];
        var result = new Dictionary<string, object?>
        {
            ["active"] = true,
            ["token_type"] = "Bearer",
            ["scope"] = string.Join(' ', scopes),
            ["client_id"] = jwt.GetPayloadValue<string>("cid"),
            ["sub"] = jwt.Subject,
            ["exp"] = jwt.GetPayloadValue<long>("exp"),
            ["iat"] = jwt.GetPayloadValue<long>("iat"),
            ["aud"] = context.Audience,
            ["iss"] = context.Issuer,
            ["jti"] = jwt.Id,
        };
        if (jwt.TryGetPayloadValue<string>("uid", out var uid))
        {
            result["uid"] = uid;
            result["username"] = jwt.Subject;
        }
        return result;
    }
}
