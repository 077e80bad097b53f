using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// The caller from <c>Authorization: Bearer {access token}</c>: a token of the org authorization server (as Okta's
/// MyAccount API, whose <c>okta.*</c> scopes only the org server grants), from any user sign-in grant, checked as
/// <c>/userinfo</c> checks it (<see cref="AccessTokenValidator"/>: signature, issuer, audience, expiry, revocation),
/// for a user who is still active and an app that is still active; its MyAccount scopes only while the app is still granted them.
/// </summary>
public sealed class BearerCallerSource(ServerDirectory directory, AccessTokenValidator validator, DirectAuthDb db, Applications.ApplicationCache apps) : IMyAccountCallerSource
{
    /// <summary>The token in the request's <c>Authorization: Bearer</c> header, or null when there is none.</summary>
    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1) return null;
        var value = header[0] ?? "";
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && value.Length > 7 ? value[7..].Trim() : null;
    }

    public async Task<MyAccountCaller?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        var token = TokenOf(http.Request);
        if (token is null) return null;
        var server = await directory.FindAsync(AuthorizationServer.OrgId, ct);
        if (server is null) return null;
        var context = new OAuthContext(server, directory.OriginOf(http.Request), http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
        var jwt = await validator.ValidateAsync(context, token, ct);
        if (jwt is null) return null;
        if (!jwt.TryGetPayloadValue<string>("uid", out var uid) || !jwt.TryGetPayloadValue<string>("cid", out var cid)) return null;
        if (!jwt.TryGetPayloadValue<long>("auth_time", out var authTime)) return null;
        var user = await db.Set<User>().AsNoTracking().Where(u => u.Id == uid).Select(u => new { u.Status }).FirstOrDefaultAsync(ct);
        if (user is not { Status: UserStatus.Active }) return null;

        // A grant an admin revoked stops working at once, for tokens issued before as well.
        var app = await apps.FindAsync(cid, ct);
        if (app is not { Status: "ACTIVE" }) return null;
        var scopes = (jwt.TryGetPayloadValue<string[]>("scp", out var scp) ? scp : [])
            .Where(s => !Protocol.MyAccountScopes.All.Contains(s) || app.GrantedScopeList.Contains(s)).ToArray();
        var amr = jwt.TryGetPayloadValue<string[]>("amr", out var a) ? a : [];
        return new MyAccountCaller(uid, cid, scopes, DateTimeOffset.FromUnixTimeSeconds(authTime), amr, server.Id, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero))
        {
            Acr = jwt.TryGetPayloadValue<string>("acr", out var acr) ? acr : null,
            Via = "bearer",
            CredentialId = jwt.TryGetPayloadValue<string>("jti", out var jti) ? jti : null,
        };
    }
}
