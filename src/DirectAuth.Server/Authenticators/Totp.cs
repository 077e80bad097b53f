using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace DirectAuth.Server.Authenticators;

/// <summary>HMAC algorithms of RFC 6238 (the <c>algorithm</c> of an <c>otpauth://</c> URI).</summary>
public enum TotpAlgorithm { Sha1, Sha256, Sha512 }

/// <summary>
/// HOTP (RFC 4226) and TOTP (RFC 6238): the HMAC of the 8-byte big-endian counter, dynamically truncated
/// to 31 bits, modulo 10^digits. TOTP's counter is the number of whole time steps since the Unix epoch.
/// </summary>
public static class Totp
{
    public const int DefaultStepSeconds = 30;

    public static long StepAt(DateTimeOffset time, int stepSeconds = DefaultStepSeconds)
    {
        var seconds = time.ToUnixTimeSeconds();
        return seconds >= 0 ? seconds / stepSeconds : -((-seconds + stepSeconds - 1) / stepSeconds);
    }

    public static string Hotp(ReadOnlySpan<byte> key, long counter, int digits, TotpAlgorithm algorithm = TotpAlgorithm.Sha1)
    {
        if (digits is < 6 or > 8) throw new ArgumentOutOfRangeException(nameof(digits), "HOTP codes have 6 to 8 digits.");
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[64];
        var length = algorithm switch
        {
#pragma warning disable CA5350 // HMAC-SHA1 is RFC 6238's default and what authenticator apps use; HMAC (unlike bare SHA-1) stays sound.
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(key, message, mac),
#pragma warning restore CA5350
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(key, message, mac),
            TotpAlgorithm.Sha512 => HMACSHA512.HashData(key, message, mac),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
        var offset = mac[length - 1] & 0x0f;
        var binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
        var code = binary % (int)Math.Pow(10, digits);
        return code.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    public static string At(ReadOnlySpan<byte> key, DateTimeOffset time, int digits = 6, TotpAlgorithm algorithm = TotpAlgorithm.Sha1,
        int stepSeconds = DefaultStepSeconds) =>
        Hotp(key, StepAt(time, stepSeconds), digits, algorithm);

    /// <summary>The name in <c>otpauth://</c> URIs and the API: SHA1, SHA256, SHA512.</summary>
    public static string Name(TotpAlgorithm algorithm) => algorithm switch
    {
        TotpAlgorithm.Sha256 => "SHA256",
        TotpAlgorithm.Sha512 => "SHA512",
        _ => "SHA1",
    };

    public static TotpAlgorithm? Parse(string? name) => name?.ToUpperInvariant().Replace("-", "", StringComparison.Ordinal) switch
    {
        null or "SHA1" => TotpAlgorithm.Sha1,
        "SHA256" => TotpAlgorithm.Sha256,
        "SHA512" => TotpAlgorithm.Sha512,
        _ => null,
    };

    /// <summary>Key length RFC 6238 uses with each algorithm: the hash's output size.</summary>
    public static int KeyBytes(TotpAlgorithm algorithm) => algorithm switch
    {
        TotpAlgorithm.Sha256 => 32,
        TotpAlgorithm.Sha512 => 64,
        _ => 20,
    };
}
