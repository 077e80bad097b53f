using System.Security.Cryptography;
using System.Text;
using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tokens;

/// <summary>What a sign-in (or a refresh) proved and what the tokens should carry.</summary>
public sealed record TokenGrantRequest(OAuthContext Context, Application Client, User? User, IReadOnlyList<string> Scopes)
{
    /// <summary>RFC 8176 authentication methods proven (e.g. <c>pwd</c>, <c>otp</c>, <c>mfa</c>).</summary>
    public IReadOnlyList<string> Amr { get; init; } = [];
    public string? Acr { get; init; }
    public DateTimeOffset AuthTime { get; init; }
    /// <summary>Set when refreshing: the new refresh token joins this family and keeps its end.</summary>
    public RefreshToken? RotatedFrom { get; init; }
}

/// <summary>
/// Issues the access token (JWT), the id_token (JWT, when <c>openid</c> is granted to a user) and the
/// refresh token (opaque, stored hashed, when <c>offline_access</c> is granted) with the claims of
/// PROTOCOL.md section 7. The refresh token row is only added to the context: it is saved with the grant's
/// audit record (<see cref="Observability.AuditLog.RecordAsync"/>), one write for both, and that write must
/// happen before the tokens are answered.
/// </summary>
public sealed class TokenIssuer(DirectAuthDb db, SigningKeyService keys, TimeProvider clock, IOptions<DirectAuthOptions> options,
    Observability.Telemetry.DirectAuthMetrics? metrics = null)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TokenOptions _lifetimes = options.Value.Tokens;

    public async Task<TokenResponse> IssueAsync(TokenGrantRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var iat = now.ToUnixTimeSeconds();
        var credentials = await keys.GetSigningCredentialsAsync(request.Context.Server.Id, ct);
        var scopes = request.Scopes;

        var accessClaims = new Dictionary<string, object>
        {
            ["ver"] = 1,
            ["jti"] = "AT." + Secrets.NewHandle(24),
            ["iss"] = request.Context.Issuer,
            ["aud"] = request.Context.Audience,
            ["iat"] = iat,
            ["exp"] = iat + _lifetimes.AccessTokenLifetimeSeconds,
            ["cid"] = request.Client.ClientId,
            ["scp"] = scopes.ToArray(),
            ["sub"] = request.User?.Login ?? request.Client.ClientId,
        };
        if (request.User is not null)
        {
            accessClaims["uid"] = request.User.Id;
            accessClaims["auth_time"] = request.AuthTime.ToUnixTimeSeconds();
            if (request.Amr.Count > 0) accessClaims["amr"] = request.Amr.ToArray();
            if (request.Acr is not null) accessClaims["acr"] = request.Acr;
        }
        var accessToken = Handler.CreateToken(new SecurityTokenDescriptor { Claims = accessClaims, SigningCredentials = credentials });
        metrics?.Signed(credentials.Algorithm);

        string? idToken = null;
        if (request.User is not null && scopes.Contains(Scopes.OpenId))
            idToken = CreateIdToken(request, credentials, iat, accessToken);

        // RFC 6749 section 6: a refresh that narrows the scope narrows the new access token, but the new
        // refresh token keeps exactly the scope of the one it replaces.
        var refreshScopes = request.RotatedFrom is { } rotated ? rotated.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries) : scopes;
        string? refreshToken = null;
        if (request.User is not null && refreshScopes.Contains(Scopes.OfflineAccess) && request.Client.Allows(GrantTypes.RefreshToken))
            refreshToken = AddRefreshToken(request, refreshScopes, now);

        return new TokenResponse
        {
            ExpiresIn = _lifetimes.AccessTokenLifetimeSeconds,
            AccessToken = accessToken,
            Scope = string.Join(' ', scopes),
            RefreshToken = refreshToken,
            IdToken = idToken,
        };
    }

    private string CreateIdToken(TokenGrantRequest request, SigningCredentials credentials, long iat, string accessToken)
    {
        var user = request.User!;
        var claims = new Dictionary<string, object>
        {
            ["ver"] = 1,
            ["jti"] = "ID." + Secrets.NewHandle(24),
            ["iss"] = request.Context.Issuer,
            ["aud"] = request.Client.ClientId,
            ["sub"] = user.Id,
            ["iat"] = iat,
            ["exp"] = iat + _lifetimes.IdTokenLifetimeSeconds,
            ["auth_time"] = request.AuthTime.ToUnixTimeSeconds(),
            ["amr"] = request.Amr.ToArray(),
            ["at_hash"] = AtHash(accessToken),
        };
        if (request.Acr is not null) claims["acr"] = request.Acr;
        foreach (var (name, value) in UserClaims.For(user, request.Scopes)) claims[name] = value;
        metrics?.Signed(credentials.Algorithm);
        return Handler.CreateToken(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = credentials });
    }

    private string AddRefreshToken(TokenGrantRequest request, IReadOnlyList<string> scopes, DateTimeOffset now)
    {
        var token = Secrets.NewHandle();
        var familyEnd = request.RotatedFrom?.FamilyExpiresAt ?? now.AddSeconds(_lifetimes.RefreshTokenMaxSeconds);
        var idleEnd = now.AddSeconds(_lifetimes.RefreshTokenIdleSeconds);
        db.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7().ToString(),
            TokenHash = Secrets.Hash(token),
            FamilyId = request.RotatedFrom?.FamilyId ?? Guid.CreateVersion7().ToString(),
            ServerId = request.Context.Server.Id,
            ClientId = request.Client.ClientId,
            UserId = request.User!.Id,
            Scopes = string.Join(' ', scopes),
            Amr = string.Join(' ', request.Amr),
            Acr = request.Acr,
            AuthTime = request.AuthTime,
            Created = now,
            ExpiresAt = idleEnd < familyEnd ? idleEnd : familyEnd,
            FamilyExpiresAt = familyEnd,
        });
        return token;
    }

    /// <summary>OIDC Core 3.1.3.6: base64url of the left half of SHA-256 of the access token (RS256 and ES256 both hash with SHA-256).</summary>
    public static string AtHash(string accessToken)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
        return Secrets.Base64Url(hash.AsSpan(0, hash.Length / 2));
    }
}
