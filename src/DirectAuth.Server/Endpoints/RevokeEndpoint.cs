using DirectAuth.Protocol;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.ClientAuthentication;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// POST {base}/v1/revoke (RFC 7009). Revoking a refresh token revokes its whole family; revoking an
/// access token stops it at userinfo and introspection. Unknown or foreign tokens also get 200.
/// </summary>
public static class RevokeEndpoint
{
    public static void MapRevokeEndpoint(this IEndpointRouteBuilder app) => app.MapOAuth("revoke", ["POST"], HandleAsync);

    private static async Task<IResult> HandleAsync(
        HttpContext http, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients,
        AccessTokenValidator validator, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var ct = http.RequestAborted;
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null) return notFound!;
        var (form, formError) = await reader.ReadAsync(http.Request, ct);
        if (form is null) return new OAuthErrorResult(formError!);
        var (client, clientError) = await clients.AuthenticateAsync(context, form, http.Request.Headers.Authorization, context.EndpointUrl("revoke"), ct);
        if (client is null) return new OAuthErrorResult(clientError!);
        var token = form[Parameters.Token];
        if (token is null) return new OAuthErrorResult(OAuthError.MissingParameter(Parameters.Token));
        var hint = form[Parameters.TokenTypeHint];
        if (hint is not null and not "access_token" and not "refresh_token")
            return new OAuthErrorResult(new OAuthError(400, Errors.UnsupportedTokenType, $"The token_type_hint '{hint}' is not supported."));

        var now = clock.GetUtcNow();
        string? revoked = null;
        if (token.Length <= 512)
        {
            var hash = Secrets.Hash(token);
            var refresh = await db.Set<RefreshToken>().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
            if (refresh is not null && refresh.ClientId == client.ClientId && refresh.ServerId == context.Server.Id)
            {
                await db.Set<RefreshToken>().Where(t => t.FamilyId == refresh.FamilyId && t.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
                revoked = "refresh_token";
            }
        }
        if (revoked is null && await validator.ValidateAsync(context, token, ct) is { } jwt
            && jwt.GetPayloadValue<string>("cid") == client.ClientId)
        {
            db.Add(new RevokedAccessToken { Jti = jwt.Id, ExpiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); } // revoked by a concurrent request
            revoked = "access_token";
        }
        if (revoked is not null)
            await audit.RecordAsync(new AuditEntry(EventTypes.TokenRevoked, Outcomes.Success, "OAuth2 token revoked")
            {
                ClientId = client.ClientId, ActorId = client.ClientId, ActorType = "Client",
                Details = new Dictionary<string, string> { ["tokenType"] = revoked },
            }, ct);
        return Results.Ok();
    }
}
