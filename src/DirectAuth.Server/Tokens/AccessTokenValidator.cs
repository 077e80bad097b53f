using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tokens;

/// <summary>Validates access tokens this authorization server issued: signature, issuer, audience, lifetime, revocation.</summary>
public sealed class AccessTokenValidator(DirectAuthDb db, SigningKeyService keys, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<JsonWebToken?> ValidateAsync(OAuthContext context, string token, CancellationToken ct)
    {
        if (token.Length > 16 * 1024) return null;
        var published = await keys.GetAsync(context.Server.Id, ct);
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = context.Issuer,
            ValidAudience = context.Audience,
            IssuerSigningKeys = published.ValidationKeys,
            ValidAlgorithms = ["RS256", "ES256"],
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (_, expires, _, _) => expires is { } e && e > clock.GetUtcNow().UtcDateTime,
            RequireExpirationTime = true,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return null;
        if (!jwt.TryGetPayloadValue<string>("jti", out var jti) || !jwt.TryGetPayloadValue<string>("cid", out _)) return null;
        if (await db.Set<RevokedAccessToken>().AnyAsync(r => r.Jti == jti, ct)) return null;
        return jwt;
    }
}
