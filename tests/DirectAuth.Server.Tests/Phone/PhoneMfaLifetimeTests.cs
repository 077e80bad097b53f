using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using static DirectAuth.Server.Tests.Phone.PhoneMfaSteps;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>A server whose mfa_token outlives the oob_code (10 minutes against the default 5).</summary>
public sealed class LongMfaTokenServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Mfa:TransactionLifetimeSeconds"] = "600",
    };
}

/// <summary>An SMS or voice code that expires before its mfa_token: that code is dead, the sign-in is not.</summary>
public sealed class PhoneMfaLifetimeTests(LongMfaTokenServer server) : IClassFixture<LongMfaTokenServer>
{
    [Theory]
    [InlineData("sms", "sms")]
    [InlineData("voice", "tel")]
    public async Task PhoneMfa_OobCodeExpiredButMfaTokenAlive_403ForTheOldCodeAndANewChallengeWorks(string channel, string amr)
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, $"mfa-long-{channel}", channel);
        var (_, challenge, _) = await ChallengeAsync(server, client.ClientId, user.MfaToken, channel);
        Assert.Equal(300, challenge.GetProperty("expires_in").GetInt32());
        var oobCode = challenge.GetProperty("oob_code").GetString()!;
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);
        server.Clock.Advance(TimeSpan.FromSeconds(301));

        var (status, body) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code);

        MfaSteps.AssertError(status, body, 403, "access_denied", PhoneSignIn.ExpiredDescription(oobCode));
        var fresh = await OobCodeAsync(server, client.ClientId, user.MfaToken, channel);
        var freshCode = await PhoneSteps.LatestCodeAsync(server, user.Phone);
        var (tokenStatus, tokens) = await TokenAsync(server, client.ClientId, user.MfaToken, fresh, freshCode);
        Assert.Equal(200, tokenStatus);
        var id = await TokenClaims.ValidateAsync(server, tokens.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(user.UserId, id.Subject);
        Assert.Equal(["pwd", amr, "mfa"], id.GetPayloadValue<string[]>("amr"));
    }
}
