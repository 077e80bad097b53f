using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using static DirectAuth.Server.Tests.Phone.PhoneMfaSteps;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>
/// Seed flows 000/001 with SMS and voice as the second factor: password → 403 mfa_required → /challenge with
/// <c>channel_hint</c> sms or voice → the code arrives in the outbox (the phone) → the mfa-oob grant with it
/// as <c>binding_code</c>. The happy paths and what a wrong, missing or late code does.
/// </summary>
public sealed class PhoneMfaFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("sms", "sms")]
    [InlineData("voice", "tel")]
    public async Task PhoneMfa_CodeFromThePhone_TokensForTheUserWithPwdChannelMfa(string channel, string amr)
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, $"mfa-{channel}", channel);

        var (status, challenge, response) = await ChallengeAsync(server, client.ClientId, user.MfaToken, channel);

        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(["binding_method", "challenge_type", "channel", "destination", "expires_in", "interval", "oob_code"],
            challenge.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(GrantTypes.MfaOob, challenge.GetProperty("challenge_type").GetString());
        Assert.Equal(channel, challenge.GetProperty("channel").GetString());
        Assert.Equal("prompt", challenge.GetProperty("binding_method").GetString());
        Assert.Equal(JsonValueKind.Number, challenge.GetProperty("interval").ValueKind);
        Assert.Equal(5, challenge.GetProperty("interval").GetInt32());
        Assert.Equal(300, challenge.GetProperty("expires_in").GetInt32());
        var oobCode = challenge.GetProperty("oob_code").GetString()!;
        var message = (await PhoneSteps.OutboxAsync(server, user.Phone, 1))[0];
        Assert.Equal((channel, "sign_in", user.UserId),
            (message.GetProperty("channel").GetString(), message.GetProperty("purpose").GetString(), message.GetProperty("userId").GetString()));
        var code = message.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9]{6}$", code);
        var spoken = channel == "sms" ? code : string.Join(", ", code.ToCharArray());
        Assert.Contains(spoken, message.GetProperty("text").GetString(), StringComparison.Ordinal);

        var (tokenStatus, tokens) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code);

        Assert.True(tokenStatus == 200, $"{tokenStatus} {tokens}");
        Assert.Equal("openid profile offline_access", tokens.GetProperty("scope").GetString());
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refresh_token").GetString()));
        var id = await TokenClaims.ValidateAsync(server, tokens.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(user.UserId, id.Subject);
        Assert.Equal(["pwd", amr, "mfa"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:2fa:any", id.GetPayloadValue<string>("acr"));
        var access = await TokenClaims.ValidateAsync(server, tokens.GetProperty("access_token").GetString()!, "api://default");
        Assert.Equal(user.UserId, access.GetPayloadValue<string>("uid"));
        Assert.Equal(client.ClientId, access.GetPayloadValue<string>("cid"));
        Assert.Equal(["pwd", amr, "mfa"], access.GetPayloadValue<string[]>("amr"));

        var (again, used) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code);
        MfaSteps.AssertError(again, used, 403, "access_denied", MfaSteps.ExpiredMfaToken);
        var sendEvent = channel == "sms" ? "system.sms.send_factor_verify_message" : "system.voice.send_factor_verify_call";
        Assert.Contains(await PhoneSteps.AuditAsync(server, sendEvent), e => e.ActorId == user.UserId && e.Outcome == "SUCCESS");
        Assert.Contains(await PhoneSteps.AuditAsync(server, "user.authentication.auth_via_mfa"), e => e.ActorId == user.UserId && e.Outcome == "SUCCESS");
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("voice")]
    public async Task PhoneMfa_WrongCode_InvalidGrantThenTheRightCodeWorks(string channel)
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, $"mfa-wrong-{channel}", channel);
        var oobCode = await OobCodeAsync(server, client.ClientId, user.MfaToken, channel);
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        var (status, body) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, PhoneSteps.WrongCode(code));

        MfaSteps.AssertError(status, body, 400, "invalid_grant", PhoneSignIn.WrongCodeDescription);
        var wrong = Assert.Single(await PhoneSteps.AuditAsync(server, "user.authentication.auth_via_mfa"), e => e.ActorId == user.UserId);
        Assert.Equal(("FAILURE", "WRONG_CODE"), (wrong.Outcome, wrong.Reason));
        var (rightStatus, tokens) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code);
        Assert.Equal(200, rightStatus);
        Assert.Equal(user.UserId, (await TokenClaims.ValidateAsync(server, tokens.GetProperty("id_token").GetString()!, client.ClientId)).Subject);
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("voice")]
    public async Task PhoneMfa_FiveWrongCodes_SignInDeadEvenForTheRightCode(string channel)
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, $"mfa-five-{channel}", channel);
        var oobCode = await OobCodeAsync(server, client.ClientId, user.MfaToken, channel);
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        for (var i = 0; i < 5; i++)
        {
            var (wrongStatus, wrong) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, PhoneSteps.WrongCode(code));
            MfaSteps.AssertError(wrongStatus, wrong, 400, "invalid_grant", PhoneSignIn.WrongCodeDescription);
        }
        var (status, body) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code);

        MfaSteps.AssertError(status, body, 403, "access_denied", TooManyWrongCodes);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var sent = (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength();
        var (challengeStatus, challenge, _) = await ChallengeAsync(server, client.ClientId, user.MfaToken, channel);
        MfaSteps.AssertError(challengeStatus, challenge, 403, "access_denied", TooManyWrongCodes);
        Assert.Equal(sent, (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength());
        Assert.Equal(5, (await PhoneSteps.AuditAsync(server, "user.authentication.auth_via_mfa")).Count(e => e.ActorId == user.UserId && e.Reason == "WRONG_CODE"));
        Assert.Contains(await PhoneSteps.AuditAsync(server, "user.authentication.mfa_transaction.lock"), e => e.ActorId == user.UserId);
    }

    [Theory]
    [InlineData("sms", null)]
    [InlineData("voice", null)]
    [InlineData("sms", "")]
    public async Task PhoneMfa_MissingBindingCode_InvalidGrantAndNoTryUsed(string channel, string? bindingCode)
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, $"mfa-missing-{channel}", channel);
        var oobCode = await OobCodeAsync(server, client.ClientId, user.MfaToken, channel);
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        for (var i = 0; i < 5; i++)
        {
            var (status, body) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, bindingCode);
            MfaSteps.AssertError(status, body, 400, "invalid_grant", PhoneSignIn.WrongCodeDescription);
        }

        for (var i = 0; i < 4; i++) await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, PhoneSteps.WrongCode(code));
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code)).Status);
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("voice")]
    public async Task PhoneMfa_AfterFiveMinutes_403AccessDenied(string channel)
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, $"mfa-late-{channel}", channel);
        var oobCode = await OobCodeAsync(server, client.ClientId, user.MfaToken, channel);
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);
        server.Clock.Advance(TimeSpan.FromSeconds(301));

        var (status, body) = await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code);

        MfaSteps.AssertError(status, body, 403, "access_denied", MfaSteps.ExpiredMfaToken);
    }

    [Fact]
    public async Task SmsMfa_ChallengeLate_OobCodeLivesNoLongerThanTheMfaToken()
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, "mfa-sms-latechallenge", "sms");
        server.Clock.Advance(TimeSpan.FromSeconds(100));

        var (_, challenge, _) = await ChallengeAsync(server, client.ClientId, user.MfaToken, "sms");

        Assert.Equal(200, challenge.GetProperty("expires_in").GetInt32());
        var message = (await PhoneSteps.OutboxAsync(server, user.Phone, 1))[0];
        // The text tells the lifetime left (3 min 20 s, rounded), not the usual five minutes.
        Assert.Contains("It expires in 3 minutes.", message.GetProperty("text").GetString(), StringComparison.Ordinal);
        server.Clock.Advance(TimeSpan.FromSeconds(201));
        var (status, body) = await TokenAsync(server, client.ClientId, user.MfaToken, challenge.GetProperty("oob_code").GetString()!,
            message.GetProperty("code").GetString()!);
        MfaSteps.AssertError(status, body, 403, "access_denied", MfaSteps.ExpiredMfaToken);
    }
}
