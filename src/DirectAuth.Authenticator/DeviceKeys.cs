using System.Security.Cryptography;

namespace DirectAuth.Authenticator;

/// <summary>
/// A device's P-256 signing key. Every request the device makes is an ES256 JWS signed with it; the server
/// registered its public half at activation. The private half never has to leave the key store.
/// </summary>
public interface IDeviceKey
{
    /// <summary>The public key as a JWK (<c>kty</c> EC, <c>crv</c> P-256, <c>x</c>, <c>y</c>; base64url).</summary>
    IReadOnlyDictionary<string, string> PublicJwk { get; }

    /// <summary>
    /// ECDSA P-256 with SHA-256 over <paramref name="data"/>, as the raw 64-byte <c>r||s</c> JWS uses (IEEE P1363).
    /// A hardware key may ask the user (biometrics) here; hence asynchronous.
    /// </summary>
    ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken ct);
}

/// <summary>
/// Where an app keeps its device keys, by alias. Map it to the Secure Enclave (iOS: <c>SecKeyCreateRandomKey</c> with
/// <c>kSecAttrTokenIDSecureEnclave</c>) or the Android Keystore (<c>KeyGenParameterSpec</c>, <c>EC</c>, <c>secp256r1</c>,
/// <c>PURPOSE_SIGN</c>), or use <see cref="SoftwareDeviceKeyStore"/>.
/// </summary>
public interface IDeviceKeyStore
{
    /// <summary>Generates a new P-256 key under <paramref name="alias"/> (replacing any key of that alias).</summary>
    ValueTask<IDeviceKey> CreateAsync(string alias, CancellationToken ct);

    /// <summary>The key of <paramref name="alias"/>, or null when there is none.</summary>
    ValueTask<IDeviceKey?> OpenAsync(string alias, CancellationToken ct);

    /// <summary>Deletes the key of <paramref name="alias"/> (nothing happens when there is none).</summary>
    ValueTask DeleteAsync(string alias, CancellationToken ct);
}

/// <summary>A P-256 key in process memory (.NET <see cref="ECDsa"/>), exportable as PKCS#8 so an app can keep it where it likes.</summary>
public sealed class SoftwareDeviceKey : IDeviceKey, IDisposable
{
    private readonly ECDsa _key;

    private SoftwareDeviceKey(ECDsa key)
    {
        _key = key;
        var p = key.ExportParameters(includePrivateParameters: false);
        PublicJwk = new Dictionary<string, string> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.Encode(p.Q.X!), ["y"] = Base64Url.Encode(p.Q.Y!) };
    }

    /// <summary>A new random key.</summary>
    public static SoftwareDeviceKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A key saved with <see cref="ExportPkcs8"/> (PKCS#8, base64).</summary>
    public static SoftwareDeviceKey ImportPkcs8(string pkcs8Base64)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8Base64), out _);
        if (key.KeySize != 256) throw new CryptographicException("A device key is a P-256 key.");
        return new SoftwareDeviceKey(key);
    }

    /// <summary>The private key, PKCS#8 base64: a secret; store it encrypted or readable by the user only.</summary>
    public string ExportPkcs8() => Convert.ToBase64String(_key.ExportPkcs8PrivateKey());

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> PublicJwk { get; }

    /// <inheritdoc/>
    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken ct) =>
        ValueTask.FromResult(Sign(data.Span));

    /// <summary>The same signature, synchronously.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}

/// <summary>Device keys in memory; <see cref="Export"/> and <see cref="Import"/> let the app persist them (e.g. in the platform's secure storage).</summary>
public sealed class SoftwareDeviceKeyStore : IDeviceKeyStore
{
    private readonly Dictionary<string, SoftwareDeviceKey> _keys = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public ValueTask<IDeviceKey> CreateAsync(string alias, CancellationToken ct)
    {
        var key = SoftwareDeviceKey.Create();
        lock (_lock)
        {
            if (_keys.Remove(alias, out var old)) old.Dispose();
            _keys[alias] = key;
        }
        return ValueTask.FromResult<IDeviceKey>(key);
    }

    /// <inheritdoc/>
    public ValueTask<IDeviceKey?> OpenAsync(string alias, CancellationToken ct)
    {
        lock (_lock) return ValueTask.FromResult<IDeviceKey?>(_keys.GetValueOrDefault(alias));
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string alias, CancellationToken ct)
    {
        lock (_lock)
            if (_keys.Remove(alias, out var key)) key.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The private key of <paramref name="alias"/> as PKCS#8 base64 (a secret).</summary>
    public string Export(string alias)
    {
        lock (_lock) return _keys.TryGetValue(alias, out var key) ? key.ExportPkcs8() : throw new KeyNotFoundException($"No device key '{alias}'.");
    }

    /// <summary>Puts a key saved with <see cref="Export"/> back under <paramref name="alias"/>.</summary>
    public void Import(string alias, string pkcs8Base64)
    {
        var key = SoftwareDeviceKey.ImportPkcs8(pkcs8Base64);
        lock (_lock)
        {
            if (_keys.Remove(alias, out var old)) old.Dispose();
            _keys[alias] = key;
        }
    }
}

internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
