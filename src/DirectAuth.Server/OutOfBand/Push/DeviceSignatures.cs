using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// Verifies what a device signs: compact ES256 JWS only (no other algorithm, no unsigned token), the
/// <c>typ</c> of the purpose (a signature made to answer a push cannot open a stream), signed by the P-256
/// key the device registered, issued within <c>DeviceClockSkewSeconds</c> of the server's clock.
/// </summary>
public sealed class DeviceSignatures(TimeProvider clock, IOptions<OutOfBandOptions> options)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>A signed message whose signature checked out.</summary>
    public sealed record Verified<T>(T Claims, string? KeyId);

    /// <summary>The <c>kid</c> (factor id) and embedded <c>jwk</c> of a JWS, read before anything is trusted; null when it is not a JWS.</summary>
    public static (string? KeyId, JsonElement? Jwk)? ReadHeader(string compact)
    {
        if (compact.Length > 8192 || compact.Split('.') is not [var header, _, _]) return null;
        try
        {
            using var json = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(header));
            if (json.RootElement.ValueKind != JsonValueKind.Object) return null;
            var kid = json.RootElement.TryGetProperty("kid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            JsonElement? jwk = json.RootElement.TryGetProperty("jwk", out var j) && j.ValueKind == JsonValueKind.Object ? j.Clone() : null;
            return (kid, jwk);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException) { return null; }
    }

    /// <summary>The claims when <paramref name="compact"/> is an ES256 JWS of type <paramref name="type"/> signed by <paramref name="key"/> and fresh; else null.</summary>
    public async Task<Verified<T>?> VerifyAsync<T>(string compact, JsonWebKey key, string type, JsonTypeInfo<T> claimsType, Func<T, long> issuedAt)
    {
        var result = await Handler.ValidateTokenAsync(compact, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [type],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token) return null;
        T? claims;
        try { claims = JsonSerializer.Deserialize(Base64UrlEncoder.DecodeBytes(token.EncodedPayload), claimsType); }
        catch (Exception ex) when (ex is JsonException or FormatException) { return null; }
        if (claims is null) return null;
        var skew = options.Value.Push.DeviceClockSkewSeconds;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return Math.Abs(now - issuedAt(claims)) <= skew ? new Verified<T>(claims, token.Kid) : null;
    }

    /// <summary>
    /// A device's public key from a JWK: EC P-256 with 32-byte coordinates on the curve, and no private part.
    /// Returns the key and its normalized JSON (what is stored), or null when it is anything else.
    /// </summary>
    public static (JsonWebKey Key, string Json)? ParsePublicKey(JsonElement jwk)
    {
        string? Get(string name) => jwk.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Get("kty") != "EC" || Get("crv") != "P-256" || jwk.TryGetProperty("d", out _)) return null;
        if (Get("x") is not { } x || Get("y") is not { } y) return null;
        try
        {
            var parameters = new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(x), Y = Base64UrlEncoder.DecodeBytes(y) },
            };
            if (parameters.Q.X!.Length != 32 || parameters.Q.Y!.Length != 32) return null;
            using var ecdsa = ECDsa.Create(parameters); // throws for a point that is not on the curve
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException) { return null; }
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = x, ["y"] = y });
        return (new JsonWebKey(json), json);
    }

    /// <summary>The stored public key of a factor.</summary>
    public static JsonWebKey StoredKey(string json) => new(json);
}
