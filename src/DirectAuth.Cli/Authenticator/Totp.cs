using Lib = global::DirectAuth.Authenticator.Totp;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// TOTP codes (RFC 6238, computed by the DirectAuth.Authenticator library) for the accounts the app holds, and the
/// <c>otpauth://totp/...</c> URIs that add them (Key Uri Format: secret base32, issuer, digits, period, algorithm).
/// </summary>
public static class Totp
{
    /// <summary>The code for <paramref name="time"/>.</summary>
    public static string Code(TotpAccount account, DateTimeOffset time) => Lib.Code(Parameters(account), time);

    /// <summary>Seconds until the code of <paramref name="time"/> changes.</summary>
    public static int SecondsLeft(TotpAccount account, DateTimeOffset time) => Lib.SecondsLeft(account.Period, time);

    /// <summary>RFC 4226 section 5.3 (the library's).</summary>
    public static string Hotp(byte[] secret, long counter, int digits, string algorithm = "SHA1") => Lib.Hotp(secret, counter, digits, algorithm);

    /// <summary>RFC 4648 base32 (case-insensitive, padding and spaces ignored).</summary>
    public static byte[] Base32Decode(string text) => Lib.Base32Decode(text);

    /// <summary>Parses <c>otpauth://totp/Issuer:account?secret=...&amp;issuer=...&amp;digits=6&amp;period=30&amp;algorithm=SHA1</c>.</summary>
    public static TotpAccount Parse(string uri)
    {
        var p = Lib.Parse(uri);
        return new TotpAccount { Issuer = p.Issuer, Account = p.Account, Secret = p.Secret, Digits = p.Digits, Period = p.Period, Algorithm = p.Algorithm };
    }

    private static global::DirectAuth.Authenticator.TotpParameters Parameters(TotpAccount a) => new(a.Issuer, a.Account, a.Secret, a.Digits, a.Period, a.Algorithm);
}
