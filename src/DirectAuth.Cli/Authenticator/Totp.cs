using System.Security.Cryptography;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// TOTP codes (RFC 6238: HOTP of RFC 4226 over the time step) for the accounts the app holds, and the
/// <c>otpauth://totp/...</c> URIs that add them (Key Uri Format: secret base32, issuer, digits, period, algorithm).
/// </summary>
public static class Totp
{
    /// <summary>The code for <paramref name="time"/>.</summary>
    public static string Code(TotpAccount account, DateTimeOffset time) =>
        Hotp(Base32Decode(account.Secret), time.ToUnixTimeSeconds() / account.Period, account.Digits, account.Algorithm);

    /// <summary>Seconds until the code of <paramref name="time"/> changes.</summary>
    public static int SecondsLeft(TotpAccount account, DateTimeOffset time) => account.Period - (int)(time.ToUnixTimeSeconds() % account.Period);

    /// <summary>RFC 4226 section 5.3: HMAC of the big-endian counter, dynamic truncation, modulo 10^digits.</summary>
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
        return (binary % (int)Math.Pow(10, digits)).ToString($"D{digits}");
    }

    /// <summary>RFC 4648 base32 (case-insensitive, padding and spaces ignored).</summary>
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
    public static TotpAccount Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "otpauth" || parsed.Host != "totp")
            throw new FormatException("Not an otpauth://totp/ URI.");
        var query = parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]).ToLowerInvariant(), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
        if (!query.TryGetValue("secret", out var secret) || secret.Length == 0) throw new FormatException("The URI has no secret.");
        if (Base32Decode(secret).Length < 10) throw new FormatException("The secret is shorter than 80 bits.");
        var label = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/'));
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        var account = new TotpAccount
        {
            Issuer = query.GetValueOrDefault("issuer") ?? (colon > 0 ? label[..colon] : null),
            Account = colon >= 0 ? label[(colon + 1)..].Trim() : label,
            Secret = secret.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant(),
            Digits = query.TryGetValue("digits", out var d) ? int.Parse(d) : 6,
            Period = query.TryGetValue("period", out var p) ? int.Parse(p) : 30,
            Algorithm = (query.GetValueOrDefault("algorithm") ?? "SHA1").ToUpperInvariant(),
        };
        if (account.Digits is < 6 or > 8) throw new FormatException("digits must be 6, 7 or 8.");
        if (account.Period is < 1 or > 300) throw new FormatException("period must be between 1 and 300 seconds.");
        if (account.Algorithm is not ("SHA1" or "SHA256" or "SHA512")) throw new FormatException("algorithm must be SHA1, SHA256 or SHA512.");
        return account;
    }
}
