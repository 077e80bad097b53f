using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DirectAuth.Server.Security;

namespace DirectAuth.Server.Phone;

/// <summary>
/// Six-digit codes for phones: drawn from a CSPRNG, stored only as a keyed hash. A plain SHA-256 of a
/// six-digit code falls to a million guesses, so the hash is HMAC-SHA256 under a key derived from the
/// master key (which is not in the database), over the code and the row it belongs to.
/// A master key rotation invalidates codes in flight; they live minutes.
/// </summary>
public sealed class PhoneCodes(SecretProtector protector)
{
    private readonly byte[] _key = protector.DeriveKey("directauth/phone-code/v1");

    public const int Digits = 6;

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The stored form of <paramref name="code"/> for the row <paramref name="scope"/> (a factor or challenge id).</summary>
    public byte[] Hash(string scope, string code) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(scope + "\n" + code));

    /// <summary>Constant-time comparison of a presented code with the stored hash.</summary>
    public bool Matches(string scope, string? presented, byte[]? stored) =>
        stored is { Length: 32 } && presented is not null && CryptographicOperations.FixedTimeEquals(Hash(scope, presented.Trim()), stored);
}
