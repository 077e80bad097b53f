using System.Security.Cryptography;
using DirectAuth.Server.Settings;

namespace DirectAuth.Server.Security;

/// <summary>
/// Encrypts secrets at rest (signing keys, TOTP seeds) with AES-256-GCM under the master key.
/// Layout: version byte 1, 8-byte master key id, 12-byte nonce, 16-byte tag, ciphertext.
/// Data sealed under an earlier master key (listed in <c>Security:PreviousMasterKeys</c>) still opens,
/// and <see cref="NeedsReseal"/> tells the start-up rotation to seal it again under the current key.
/// </summary>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private readonly byte[] _current;
    private readonly byte[] _currentId;
    private readonly Dictionary<string, byte[]> _byId = new(StringComparer.Ordinal);

    public SecretProtector(byte[] masterKey, IEnumerable<byte[]> previousKeys)
    {
        if (masterKey.Length != 32) throw new InvalidOperationException("Security:MasterKey must be 32 bytes (base64).");
        _current = masterKey;
        _currentId = KeyId(masterKey);
        _byId[Convert.ToHexString(_currentId)] = masterKey;
        foreach (var key in previousKeys)
        {
            if (key.Length != 32) throw new InvalidOperationException("Every Security:PreviousMasterKeys entry must be 32 bytes (base64).");
            _byId.TryAdd(Convert.ToHexString(KeyId(key)), key);
        }
    }

    public byte[] Protect(ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[1 + 8 + 12 + 16 + plaintext.Length];
        output[0] = Version;
        _currentId.CopyTo(output, 1);
        var nonce = output.AsSpan(9, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(37), output.AsSpan(21, 16), output.AsSpan(0, 9));
        return output;
    }

    public byte[] Unprotect(byte[] sealedData)
    {
        if (sealedData.Length < 37 || sealedData[0] != Version) throw new CryptographicException("Not a DirectAuth sealed secret.");
        var id = Convert.ToHexString(sealedData, 1, 8);
        if (!_byId.TryGetValue(id, out var key))
            throw new CryptographicException($"Sealed with master key {id}, which is neither Security:MasterKey nor in Security:PreviousMasterKeys.");
        var plaintext = new byte[sealedData.Length - 37];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedData.AsSpan(9, 12), sealedData.AsSpan(37), sealedData.AsSpan(21, 16), plaintext, sealedData.AsSpan(0, 9));
        return plaintext;
    }

    public bool NeedsReseal(byte[] sealedData) =>
        sealedData.Length < 9 || !sealedData.AsSpan(1, 8).SequenceEqual(_currentId);

    /// <summary>A key for one purpose (e.g. keyed hashes of short codes), derived from the current master key with HKDF.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _current, 32, info: System.Text.Encoding.UTF8.GetBytes(purpose));

    private static byte[] KeyId(byte[] key) => SHA256.HashData(key)[..8];

    /// <summary>Builds the protector from configuration, creating <c>{DataDirectory}/master.key</c> when no key is configured.</summary>
    public static SecretProtector FromOptions(DirectAuthOptions options, ILogger logger)
    {
        var previous = options.Security.PreviousMasterKeys.Select(Decode).ToList();
        if (!string.IsNullOrWhiteSpace(options.Security.MasterKey))
            return new SecretProtector(Decode(options.Security.MasterKey), previous);

        Directory.CreateDirectory(options.Storage.DataDirectory);
        var path = Path.Combine(options.Storage.DataDirectory, "master.key");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            logger.LogWarning("No Security:MasterKey configured; generated one in {Path}. Back it up, or set DIRECTAUTH_SECURITY__MASTERKEY.", path);
        }
        return new SecretProtector(Decode(File.ReadAllText(path).Trim()), previous);
    }

    private static byte[] Decode(string base64)
    {
        try { return Convert.FromBase64String(base64.Trim()); }
        catch (FormatException) { throw new InvalidOperationException("A master key is not valid base64."); }
    }
}
