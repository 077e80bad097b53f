using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace DirectAuth.Server.Users;

/// <summary>
/// Argon2id (RFC 9106) through libsodium (NSec.Cryptography), stored in the PHC string format
/// <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c> (unpadded base64), so the parameters a hash was made with
/// travel with it and a changed setting is seen at the next sign-in. libsodium runs one lane (p=1).
/// </summary>
public sealed class Argon2idHash(int memoryKiB, int passes)
{
    public const string Prefix = "$argon2id$";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly Argon2id _algorithm = Algorithm(memoryKiB, passes);

    private static Argon2id Algorithm(long memoryKiB, long passes) =>
        new Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = passes,
        });

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = _algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}v=19$m={memoryKiB},t={passes},p=1${B64(salt)}${B64(hash)}");
    }

    /// <summary>Checks a password against a stored Argon2id hash; <paramref name="current"/> says whether it has today's parameters.</summary>
    public bool Verify(string stored, string password, out bool current)
    {
        current = false;
        if (!TryParse(stored, out var m, out var t, out var salt, out var expected)) return false;
        var algorithm = m == memoryKiB && t == passes ? _algorithm : Algorithm(m, t);
        var actual = algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, expected.Length);
        current = m == memoryKiB && t == passes;
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string stored, out long m, out long t, out byte[] salt, out byte[] hash)
    {
        m = t = 0; salt = hash = [];
        // "", "argon2id", "v=19", "m=..,t=..,p=1", salt, hash
        var parts = stored.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        var p = parts[3].Split(',');
        if (p.Length != 3 || !TryParam(p[0], "m=", out m) || !TryParam(p[1], "t=", out t) || p[2] != "p=1") return false;
        if (m is < 8 or > 4_194_304 || t is < 1 or > 100) return false;
        try
        {
            salt = FromB64(parts[4]);
            hash = FromB64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length == SaltBytes && hash.Length is >= 16 and <= 64;
    }

    private static bool TryParam(string text, string name, out long value)
    {
        value = 0;
        return text.StartsWith(name, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
}
