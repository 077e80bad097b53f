using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace DirectAuth.Authenticator;

/// <summary>
/// The compact ES256 JWS a device signs (RFC 7515/7518: header and payload base64url JSON, signature the raw
/// <c>r||s</c>). Written here, small, rather than taken from a JWT library, so the server's verification
/// (Microsoft.IdentityModel) checks an independent implementation.
/// </summary>
public static class DeviceJws
{
    /// <summary>A JWS over <paramref name="claims"/> with <c>alg</c> ES256, <c>typ</c> <paramref name="type"/>, and the <c>kid</c> (factor id) or, when null, the public <c>jwk</c>.</summary>
    public static async ValueTask<string> SignAsync<T>(IDeviceKey key, T claims, JsonTypeInfo<T> claimsType, string type, string? keyId, CancellationToken ct)
    {
        var input = SigningInput(key, claims, claimsType, type, keyId);
        return input + "." + Base64Url.Encode(await key.SignAsync(Encoding.ASCII.GetBytes(input), ct));
    }

    /// <summary>The same, synchronously, with a software key.</summary>
    public static string Sign<T>(SoftwareDeviceKey key, T claims, JsonTypeInfo<T> claimsType, string type, string? keyId)
    {
        var input = SigningInput(key, claims, claimsType, type, keyId);
        return input + "." + Base64Url.Encode(key.Sign(Encoding.ASCII.GetBytes(input)));
    }

    private static string SigningInput<T>(IDeviceKey key, T claims, JsonTypeInfo<T> claimsType, string type, string? keyId)
    {
        var header = new JwsHeader { Algorithm = "ES256", Type = type, KeyId = keyId, Jwk = keyId is null ? new Dictionary<string, string>(key.PublicJwk) : null };
        return Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(header, DeviceJson.Default.JwsHeader)) + "." + Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(claims, claimsType));
    }
}

internal sealed record JwsHeader
{
    [JsonPropertyName("alg")] public required string Algorithm { get; init; }
    [JsonPropertyName("typ")] public required string Type { get; init; }
    [JsonPropertyName("kid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? KeyId { get; init; }
    [JsonPropertyName("jwk"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? Jwk { get; init; }
}

[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(DeviceAccount))]
internal sealed partial class DeviceJson : JsonSerializerContext;
