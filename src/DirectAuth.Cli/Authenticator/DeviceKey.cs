using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// The device's P-256 key and the compact ES256 JWS it signs with (RFC 7515/7518: header and payload
/// base64url JSON, signature = raw r||s). Written here, small, rather than taken from a JWT library, so the
/// server's verification (Microsoft.IdentityModel) checks an independent implementation.
/// </summary>
public sealed class DeviceKey : IDisposable
{
    private readonly ECDsa _key;

    private DeviceKey(ECDsa key) => _key = key;

    public static DeviceKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a key saved with <see cref="ExportPrivate"/> (PKCS#8, base64).</summary>
    public static DeviceKey Import(string pkcs8Base64)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8Base64), out _);
        return new DeviceKey(key);
    }

    public string ExportPrivate() => Convert.ToBase64String(_key.ExportPkcs8PrivateKey());

    /// <summary>The public key as a JWK object (kty, crv, x, y).</summary>
    public Dictionary<string, string> PublicJwk()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url(p.Q.X!), ["y"] = Base64Url(p.Q.Y!) };
    }

    /// <summary>A compact JWS over <paramref name="claims"/> with header alg ES256, the given typ, and either a kid or the public jwk.</summary>
    public string Sign<T>(T claims, JsonTypeInfo<T> claimsType, string type, string? keyId)
    {
        var header = new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = type };
        if (keyId is null) header["jwk"] = PublicJwk();
        else header["kid"] = keyId;
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header, HeaderJson.Default.DictionaryStringObject)) + "."
            + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims, claimsType));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url(signature);
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _key.Dispose();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class HeaderJson : System.Text.Json.Serialization.JsonSerializerContext;
