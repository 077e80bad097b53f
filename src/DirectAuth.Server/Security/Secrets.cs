using System.Security.Cryptography;
using System.Text;

namespace DirectAuth.Server.Security;

/// <summary>Random handles, identifiers and hashes of high-entropy secrets.</summary>
public static class Secrets
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A 256-bit random handle, base64url (tokens, client secrets, transaction codes).</summary>
    public static string NewHandle(int bytes = 32) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>An Okta-style identifier: a 3-character prefix and 17 random base62 characters.</summary>
    public static string NewId(string prefix) => prefix + RandomNumberGenerator.GetString(Base62, 17);

    /// <summary>SHA-256 of a high-entropy secret; what is stored instead of the secret.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string HashHex(string value) => Convert.ToHexStringLower(Hash(value));

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool Matches(string presented, byte[]? storedHash) =>
        storedHash is { Length: 32 } && CryptographicOperations.FixedTimeEquals(Hash(presented), storedHash);

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
