using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.ClientAuthentication;

/// <summary>
/// RFC 7523 client assertions: signed with a key from the client's registered JWKS, <c>iss</c> and
/// <c>sub</c> the client id, <c>aud</c> the endpoint URL, the token endpoint or the issuer, an <c>exp</c>
/// at most an hour away, and a <c>jti</c> accepted only once.
/// </summary>
public sealed class PrivateKeyJwtValidator(DirectAuthDb db, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new();
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    public static string? ReadClientId(string assertion)
    {
        try { return new JsonWebToken(assertion).Subject is { Length: > 0 } sub ? sub : null; }
        catch (ArgumentException) { return null; } // includes SecurityTokenMalformedException
    }

    /// <summary>Returns null when the assertion is good (and records its jti), otherwise why not.</summary>
    public async Task<string?> ValidateAsync(OAuthContext context, Application client, string assertion, string endpoint, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(client.Jwks)) return "The client has no registered keys.";
        JsonWebKeySet keySet;
        try { keySet = new JsonWebKeySet(client.Jwks); }
        catch (ArgumentException) { return "The client's registered keys are not a valid JWKS."; }

        var now = clock.GetUtcNow();
        var result = await Handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = [endpoint, context.EndpointUrl("token"), context.Issuer],
            IssuerSigningKeys = keySet.GetSigningKeys(),
            ValidAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } e && e > now.UtcDateTime && e <= now.UtcDateTime + MaxLifetime + TimeSpan.FromMinutes(1)
                && (notBefore is null || notBefore <= now.UtcDateTime.AddMinutes(1)),
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            return "The client_assertion is invalid: " + (result.Exception?.GetType().Name ?? "validation failed") + ".";
        if (jwt.Subject != client.ClientId) return "The client_assertion subject must be the client_id.";
        if (string.IsNullOrEmpty(jwt.Id)) return "The client_assertion must have a jti.";

        db.Add(new UsedAssertion { ClientId = client.ClientId, Jti = jwt.Id, ExpiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return "The client_assertion jti has already been used.";
        }
        return null;
    }
}
