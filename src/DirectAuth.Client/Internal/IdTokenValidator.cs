using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Client.Internal;

/// <summary>
/// Validates an id_token with Microsoft.IdentityModel before any token reaches the app: a signature by a key from
/// the server's JWKS (asymmetric algorithms only), <c>iss</c> equal to the discovery issuer, <c>aud</c> the client id,
/// <c>exp</c> (and <c>nbf</c>) against the injected clock, and <c>at_hash</c> when present. An unknown <c>kid</c>
/// refetches the JWKS once, so signing-key rotation needs no restart.
/// </summary>
internal sealed class IdTokenValidator(WireClient wire, DirectAuthClientOptions options)
{
    private static readonly string[] Algorithms =
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private JsonWebKeySet? _keys;

    /// <summary>The validated claims, or the reason the token is refused.</summary>
    public async Task<(ClaimsIdentity? Identity, string? Problem)> ValidateAsync(
        ServerMetadata metadata, string idToken, string? accessToken, CancellationToken ct)
    {
        JsonWebToken jwt;
        try { jwt = new JsonWebToken(idToken); }
        catch (ArgumentException) { return (null, "The id_token is not a well-formed JWT."); }

        var keys = await KeysAsync(metadata, jwt.Kid, ct).ConfigureAwait(false);
        var now = options.TimeProvider.GetUtcNow().UtcDateTime;
        var skew = options.ClockSkew;
        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = metadata.Issuer,
            ValidAudience = options.ClientId,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } exp && exp.ToUniversalTime() > now - skew && (notBefore is not { } nbf || nbf.ToUniversalTime() <= now + skew),
        }).ConfigureAwait(false);
        if (!result.IsValid)
            return (null, "The id_token is not valid: " + Describe(result.Exception));

        // OpenID Connect Core 3.1.3.7: with several audiences, azp must name this client.
        if (jwt.Audiences.Count() > 1 && (!jwt.TryGetPayloadValue<string>("azp", out var azp) || azp != options.ClientId))
            return (null, "The id_token has several audiences and no azp naming this client.");
        if (accessToken is not null && jwt.TryGetPayloadValue<string>("at_hash", out var atHash) && atHash != AtHash(accessToken, jwt.Alg))
            return (null, "The id_token's at_hash does not match the access token.");
        return (result.ClaimsIdentity, null);
    }

    private async Task<JsonWebKeySet> KeysAsync(ServerMetadata metadata, string? kid, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var stale = _keys is null || (kid is not null && !_keys.Keys.Any(k => k.Kid == kid));
            if (stale) _keys = await FetchAsync(metadata.JwksUri, ct).ConfigureAwait(false);
            return _keys!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonWebKeySet> FetchAsync(Uri jwksUri, CancellationToken ct)
    {
        var response = await wire.GetAsync(jwksUri, ct).ConfigureAwait(false);
        if (response.Status != 200 || !response.IsJsonObject)
            throw new DirectAuthException(ErrorMapper.Malformed($"The JWKS at {jwksUri} could not be read (HTTP {response.Status})."));
        try { return new JsonWebKeySet(response.Text); }
        catch (ArgumentException ex)
        {
            throw new DirectAuthException(ErrorMapper.Malformed($"The JWKS at {jwksUri} is not a valid key set."), ex);
        }
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenInvalidIssuerException => "wrong issuer.",
        SecurityTokenInvalidAudienceException => "wrong audience.",
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNotYetValidException => "expired or not yet valid.",
        SecurityTokenInvalidAlgorithmException => "algorithm not allowed.",
        SecurityTokenSignatureKeyNotFoundException => "signed with a key the server does not publish.",
        SecurityTokenInvalidSignatureException => "bad signature.",
        null => "validation failed.",
        _ => ex.GetType().Name + ".",
    };

    // OpenID Connect Core 3.1.3.6: the left half of the access token's hash, with the hash of the id_token's algorithm.
    internal static string AtHash(string accessToken, string alg)
    {
        var bytes = Encoding.ASCII.GetBytes(accessToken);
        var hash = alg.EndsWith("384", StringComparison.Ordinal) ? SHA384.HashData(bytes)
            : alg.EndsWith("512", StringComparison.Ordinal) ? SHA512.HashData(bytes)
            : SHA256.HashData(bytes);
        return Base64UrlEncoder.Encode(hash, 0, hash.Length / 2);
    }
}
