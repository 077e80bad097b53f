using System.Text;
using DirectAuth.Cli.Authenticator;
using CliTotp = DirectAuth.Cli.Authenticator.Totp;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>The authenticator app's own RFC 6238 / RFC 4226 implementation, against the RFCs' test vectors (PROTOCOL.md section 8).</summary>
public sealed class AuthenticatorTotpTests
{
    private static string Base32(string ascii)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(Encoding.ASCII.GetBytes(ascii).Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));
        return string.Concat(Enumerable.Range(0, (bits.Length + 4) / 5).Select(i => alphabet[Convert.ToInt32(bits.Substring(i * 5, Math.Min(5, bits.Length - i * 5)).PadRight(5, '0'), 2)]));
    }

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Totp_Rfc6238Sha1Vectors(long unixTime, string expected)
    {
        var account = new TotpAccount { Account = "rfc", Secret = Base32("12345678901234567890"), Digits = 8 };

        Assert.Equal(expected, CliTotp.Code(account, DateTimeOffset.FromUnixTimeSeconds(unixTime)));
    }

    [Theory]
    [InlineData("SHA256", "12345678901234567890123456789012", "46119246")]
    [InlineData("SHA512", "1234567890123456789012345678901234567890123456789012345678901234", "90693936")]
    public void Totp_Rfc6238Sha2VectorsAt59(string algorithm, string seed, string expected)
    {
        var account = new TotpAccount { Account = "rfc", Secret = Base32(seed), Digits = 8, Algorithm = algorithm };

        Assert.Equal(expected, CliTotp.Code(account, DateTimeOffset.FromUnixTimeSeconds(59)));
    }

    [Fact]
    public void Hotp_Rfc4226Vectors()
    {
        string[] expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];

        Assert.Equal(expected, Enumerable.Range(0, 10).Select(c => CliTotp.Hotp(Encoding.ASCII.GetBytes("12345678901234567890"), c, 6)));
    }

    [Fact]
    public void Parse_OtpauthUri_ReadsLabelAndParameters()
    {
        var account = CliTotp.Parse("otpauth://totp/ACME%20Co:john.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60");

        Assert.Equal(("ACME Co", "john.doe@email.com", 8, 60, "SHA256"), (account.Issuer, account.Account, account.Digits, account.Period, account.Algorithm));
        Assert.Equal(28, CliTotp.SecondsLeft(account, DateTimeOffset.FromUnixTimeSeconds(92)));
    }
}
