using System.Text.Json.Serialization.Metadata;
using DirectAuth.Authenticator;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// The CLI's device key: a <see cref="SoftwareDeviceKey"/> of the DirectAuth.Authenticator library, kept as
/// PKCS#8 in the state file (<see cref="AuthenticatorState"/>), and the JWS it signs (<see cref="DeviceJws"/>).
/// </summary>
public sealed class DeviceKey : IDisposable
{
    private readonly SoftwareDeviceKey _key;

    private DeviceKey(SoftwareDeviceKey key) => _key = key;

    public static DeviceKey Create() => new(SoftwareDeviceKey.Create());

    /// <summary>Loads a key saved with <see cref="ExportPrivate"/> (PKCS#8, base64).</summary>
    public static DeviceKey Import(string pkcs8Base64) => new(SoftwareDeviceKey.ImportPkcs8(pkcs8Base64));

    public string ExportPrivate() => _key.ExportPkcs8();

    /// <summary>The public key as a JWK object (kty, crv, x, y).</summary>
    public Dictionary<string, string> PublicJwk() => new(_key.PublicJwk);

    /// <summary>A compact JWS over <paramref name="claims"/> with header alg ES256, the given typ, and either a kid or the public jwk.</summary>
    public string Sign<T>(T claims, JsonTypeInfo<T> claimsType, string type, string? keyId) => DeviceJws.Sign(_key, claims, claimsType, type, keyId);

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _key.Dispose();
}
