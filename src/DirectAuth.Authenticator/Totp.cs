using System.Globalization;
using System.Security.Cryptography;

namespace DirectAuth.Authenticator;

/// <summary>A TOTP account's parameters (from an <c>otpauth://totp/...</c> enrollment URI).</summary>
/// <param name="Issuer">Who issued it (shown before the account).</param>
/// <param name="Account">The account name (usually the login).</param>
/// <param name="Secret">The shared secret, base32.</param>
/// <param name="Digits">6, 7 or 8.</param>
/// <param name="Period">The time step in seconds.</param>
/// <param name="Algorithm">SHA1, SHA256 or SHA512.</param>
public sealed record TotpParameters(string? Issuer, string Account, string Secret, int Digits = 6, int Period = 30, string Algorithm = "SHA1");

/// <summary>
/// TOTP codes (RFC 6238: HOTP of RFC 4226 over the time step) and the <c>otpauth://totp/...</c> URIs that
/// add accounts (Key Uri Format: secret base32, issuer, digits, period, algorithm).
/// </summary>
public static class Totp
{
    /// <summary>The code of <paramref name="account"/> at <paramref name="time"/>.</summary>
    public static string Code(TotpParameters account, DateTimeOffset time) =>
        Hotp(Base32Decode(account.Secret), time.ToUnixTimeSeconds() / account.Period, account.Digits, account.Algorithm);

    /// <summary>Seconds until the code of <paramref name="time"/> changes.</summary>
    public static int SecondsLeft(int period, DateTimeOffset time) => period - (int)(time.ToUnixTimeSeconds() % period);

    /// <summary>RFC 4226 section 5.3: HMAC of the big-endian counter, dynamic truncation, modulo 10^digits.</summary>
    /// <exception cref="ArgumentException">An algorithm other than SHA1, SHA256, SHA512.</exception>
    public static string Hotp(byte[] secret, long counter, int digits, string algorithm = "SHA1")
    {
        var message = new byte[8];
        for (var i = 7; i >= 0; i--, counter >>= 8) message[i] = (byte)(counter & 0xff);
        var hash = algorithm.ToUpperInvariant() switch
        {
#pragma warning disable CA5350 // RFC 6238's default, what every enrollment QR asks for; HMAC-SHA1 is not weakened by SHA-1 collisions
            "SHA1" => HMACSHA1.HashData(secret, message),
#pragma warning restore CA5350
            "SHA256" => HMACSHA256.HashData(secret, message),
            "SHA512" => HMACSHA512.HashData(secret, message),
            _ => throw new ArgumentException($"Unsupported TOTP algorithm '{algorithm}' (SHA1, SHA256, SHA512).", nameof(algorithm)),
        };
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % (int)Math.Pow(10, digits)).ToString($"D{digits}", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32 (case-insensitive, padding, spaces and dashes ignored).</summary>
    /// <exception cref="FormatException">A character outside the base32 alphabet.</exception>
    public static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant())
        {
            if (c is '=' or ' ' or '-') continue;
            var value = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0) throw new FormatException($"'{c}' is not a base32 character.");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }

    /// <summary>Parses <c>otpauth://totp/Issuer:account?secret=...&amp;issuer=...&amp;digits=6&amp;period=30&amp;algorithm=SHA1</c>.</summary>
    /// <exception cref="FormatException">Not such a URI, no secret or one under 80 bits, or digits, period or algorithm out of range.</exception>
    public static TotpParameters Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "otpauth" || parsed.Host != "totp")
            throw new FormatException("Not an otpauth://totp/ URI.");
        var query = parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]).ToLowerInvariant(), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
        if (!query.TryGetValue("secret", out var secret) || secret.Length == 0) throw new FormatException("The URI has no secret.");
        if (Base32Decode(secret).Length < 10) throw new FormatException("The secret is shorter than 80 bits.");
        var label = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/'));
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        var account = new TotpParameters(
            query.GetValueOrDefault("issuer") ?? (colon > 0 ? label[..colon] : null),
            colon >= 0 ? label[(colon + 1)..].Trim() : label,
            secret.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant(),
            query.TryGetValue("digits", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 6,
            query.TryGetValue("period", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : 30,
            (query.GetValueOrDefault("algorithm") ?? "SHA1").ToUpperInvariant());
        if (account.Digits is < 6 or > 8) throw new FormatException("digits must be 6, 7 or 8.");
        if (account.Period is < 1 or > 300) throw new FormatException("period must be between 1 and 300 seconds.");
        if (account.Algorithm is not ("SHA1" or "SHA256" or "SHA512")) throw new FormatException("algorithm must be SHA1, SHA256 or SHA512.");
        return account;
    }
}
