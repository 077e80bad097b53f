using System.Security.Cryptography;
using System.Text;
using DirectAuth.Server.Authenticators;
using TotpAlgo = DirectAuth.Server.Authenticators.Totp;

namespace DirectAuth.Server.Tests.Totp;

/// <summary>The TOTP/HOTP implementation against the RFC vectors (PROTOCOL.md section 8) and against oathtool.</summary>
public sealed class TotpAlgorithmTests
{
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Totp_Rfc6238Sha1Vector_Matches(long unixTime, string expected) =>
        Assert.Equal(expected, TotpAlgo.At(Sha1Seed, DateTimeOffset.FromUnixTimeSeconds(unixTime), 8, TotpAlgorithm.Sha1));

    [Fact]
    public void Totp_Rfc6238Sha256VectorAt59_Matches() =>
        Assert.Equal("46119246", TotpAlgo.At(Sha256Seed, DateTimeOffset.FromUnixTimeSeconds(59), 8, TotpAlgorithm.Sha256));

    [Fact]
    public void Totp_Rfc6238Sha512VectorAt59_Matches() =>
        Assert.Equal("90693936", TotpAlgo.At(Sha512Seed, DateTimeOffset.FromUnixTimeSeconds(59), 8, TotpAlgorithm.Sha512));

    [Theory]
    [InlineData(0, "755224")]
    [InlineData(1, "287082")]
    [InlineData(2, "359152")]
    [InlineData(3, "969429")]
    [InlineData(4, "338314")]
    [InlineData(5, "254676")]
    [InlineData(6, "287922")]
    [InlineData(7, "162583")]
    [InlineData(8, "399871")]
    [InlineData(9, "520489")]
    public void Hotp_Rfc4226Vector_Matches(long counter, string expected) =>
        Assert.Equal(expected, TotpAlgo.Hotp(Sha1Seed, counter, 6));

    [Theory]
    [InlineData("sha1", 6)]
    [InlineData("sha1", 8)]
    [InlineData("sha256", 6)]
    [InlineData("sha256", 8)]
    [InlineData("sha512", 6)]
    [InlineData("sha512", 8)]
    public void Totp_RandomSecretsAndTimes_MatchOathtool(string algorithm, int digits)
    {
        var algo = TotpAlgo.Parse(algorithm)!.Value;
        for (var i = 0; i < 8; i++)
        {
            var secret = RandomNumberGenerator.GetBytes(TotpAlgo.KeyBytes(algo));
            var at = DateTimeOffset.FromUnixTimeSeconds(RandomNumberGenerator.GetInt32(0, int.MaxValue));
            var base32 = TotpBase32.Encode(secret);
            Assert.Equal(OathTool.Totp(base32, at, algorithm, digits), TotpAlgo.At(secret, at, digits, algo));
        }
    }

    [Fact]
    public void Base32_RoundTripsEveryLength()
    {
        for (var n = 0; n <= 64; n++)
        {
            var data = RandomNumberGenerator.GetBytes(n);
            Assert.Equal(data, TotpBase32.Decode(TotpBase32.Encode(data)));
        }
        Assert.Equal("JBSWY3DPEHPK3PXP", TotpBase32.Encode(Convert.FromHexString("48656c6c6f21deadbeef"))); // as oathtool -v prints it
        Assert.Null(TotpBase32.Decode("not base32!"));
    }
}
