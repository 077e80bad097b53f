using System.Globalization;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using static DirectAuth.Server.Tests.Phone.PhoneSignIn;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>Seed flow 004, "OOB flow with SMS or Voice", as the primary factor; the outbox is the phone.</summary>
public sealed class PhonePrimaryFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task SmsPrimary_CodeFromThePhone_TokensWithSmsAmr()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "sms-primary");

        var (status, started, response) = await StartAsync(server, client.ClientId, user.Login, "sms");

        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("sms", started.GetProperty("channel").GetString());
        Assert.Equal("prompt", started.GetProperty("binding_method").GetString());
        Assert.Equal(JsonValueKind.Number, started.GetProperty("interval").ValueKind);
        Assert.Equal(5, started.GetProperty("interval").GetInt32());
        Assert.Equal(300, started.GetProperty("expires_in").GetInt32());
        Assert.False(started.TryGetProperty("binding_code", out _));
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var message = (await PhoneSteps.OutboxAsync(server, user.Phone, 1))[0];
        Assert.Equal("sms", message.GetProperty("channel").GetString());
        Assert.Equal("sign_in", message.GetProperty("purpose").GetString());
        var code = message.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9]{6}$", code);

        var (tokenStatus, tokens) = await TokenAsync(server, client.ClientId, oobCode, code);

        Assert.Equal(200, tokenStatus);
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal(user.UserId, id.Subject);
        Assert.Equal(["sms"], id.GetPayloadValue<string[]>("amr"));
        var (reuseStatus, reuse) = await TokenAsync(server, client.ClientId, oobCode, code);
        Assert.Equal(403, reuseStatus);
        Assert.Equal("access_denied", reuse.GetProperty("error").GetString());
        Assert.Equal(ExpiredDescription(oobCode), reuse.GetProperty("error_description").GetString());
        Assert.Contains(await PhoneSteps.AuditAsync(server, "system.sms.send_factor_verify_message"), e => e.ActorId == user.UserId && e.Outcome == "SUCCESS");
        Assert.Contains(await PhoneSteps.AuditAsync(server, "user.authentication.auth_via_mfa"), e => e.ActorId == user.UserId && e.Outcome == "SUCCESS");
    }

    [Fact]
    public async Task VoicePrimary_OldPathWithoutChallengeHint_CallReadsTheCodeAndTokensHaveTelAmr()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "voice-primary", "call");

        var (status, started, _) = await StartAsync(server, client.ClientId, user.Login, "voice", path: "oob-authenticate");

        Assert.Equal(200, status);
        Assert.Equal("voice", started.GetProperty("channel").GetString());
        Assert.Equal("prompt", started.GetProperty("binding_method").GetString());
        Assert.Equal(5, started.GetProperty("interval").GetInt32());
        var message = (await PhoneSteps.OutboxAsync(server, user.Phone, 1))[0];
        Assert.Equal("voice", message.GetProperty("channel").GetString());
        var code = message.GetProperty("code").GetString()!;
        Assert.Contains("Your verification code is: " + string.Join(", ", code.ToCharArray()), message.GetProperty("text").GetString(), StringComparison.Ordinal);
        var (tokenStatus, tokens) = await TokenAsync(server, client.ClientId, started.GetProperty("oob_code").GetString()!, code);
        Assert.Equal(200, tokenStatus);
        Assert.Equal(["tel"], new JsonWebToken(tokens.GetProperty("id_token").GetString()).GetPayloadValue<string[]>("amr"));
        Assert.Contains(await PhoneSteps.AuditAsync(server, "system.voice.send_factor_verify_call"), e => e.ActorId == user.UserId && e.Outcome == "SUCCESS");
    }

    [Fact]
    public async Task SmsPrimary_WrongCode_InvalidGrantThenTheRightCodeWorks()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "sms-wrong");
        var (_, started, _) = await StartAsync(server, client.ClientId, user.Login, "sms");
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        var (status, body) = await TokenAsync(server, client.ClientId, oobCode, PhoneSteps.WrongCode(code));

        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(WrongCodeDescription, body.GetProperty("error_description").GetString());
        var wrong = Assert.Single(await PhoneSteps.AuditAsync(server, "user.authentication.auth_via_mfa"), e => e.ActorId == user.UserId);
        Assert.Equal(("FAILURE", "WRONG_CODE"), (wrong.Outcome, wrong.Reason));
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, oobCode, code)).Status);
    }

    [Fact]
    public async Task SmsPrimary_FiveWrongCodes_TransactionDeadEvenForTheRightCode()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "sms-five");
        var (_, started, _) = await StartAsync(server, client.ClientId, user.Login, "sms");
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        for (var i = 0; i < 5; i++)
        {
            var (wrongStatus, wrong) = await TokenAsync(server, client.ClientId, oobCode, PhoneSteps.WrongCode(code));
            Assert.Equal((400, "invalid_grant"), (wrongStatus, wrong.GetProperty("error").GetString()));
        }
        var (status, body) = await TokenAsync(server, client.ClientId, oobCode, code);

        Assert.Equal(400, status);
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
        Assert.Equal(5, (await PhoneSteps.AuditAsync(server, "user.authentication.auth_via_mfa")).Count(e => e.ActorId == user.UserId && e.Reason == "WRONG_CODE"));
    }

    [Fact]
    public async Task SmsPrimary_MissingBindingCode_InvalidGrantAndNoTryUsed()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "sms-missing");
        var (_, started, _) = await StartAsync(server, client.ClientId, user.Login, "sms");
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        var (status, body) = await TokenAsync(server, client.ClientId, oobCode, null);

        Assert.Equal((400, "invalid_grant"), (status, body.GetProperty("error").GetString()));
        for (var i = 0; i < 4; i++) await TokenAsync(server, client.ClientId, oobCode, PhoneSteps.WrongCode(code));
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, oobCode, code)).Status);
    }

    [Fact]
    public async Task SmsPrimary_AfterFiveMinutes_403Expired()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "sms-expired");
        var (_, started, _) = await StartAsync(server, client.ClientId, user.Login, "sms");
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);
        server.Clock.Advance(TimeSpan.FromSeconds(301));

        var (status, body) = await TokenAsync(server, client.ClientId, oobCode, code);

        Assert.Equal(403, status);
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
        Assert.Equal(ExpiredDescription(oobCode), body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task SmsPrimary_AgainWithinThirtySeconds_429AndTheFirstCodeStillWorks()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "sms-again");
        var (_, first, _) = await StartAsync(server, client.ClientId, user.Login, "sms");
        server.Clock.Advance(TimeSpan.FromSeconds(12));

        var (status, body, response) = await StartAsync(server, client.ClientId, user.Login, "sms");

        Assert.Equal(429, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal("API call exceeded rate limit due to too many requests.", body.GetProperty("error_description").GetString());
        Assert.Equal("1", response.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal("0", response.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(18).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            response.Headers.GetValues("X-Rate-Limit-Reset").Single());
        Assert.Equal("18", response.Headers.GetValues("Retry-After").Single());
        var messages = await PhoneSteps.OutboxAsync(server, user.Phone);
        Assert.Equal("sign_in", messages[0].GetProperty("purpose").GetString());
        Assert.Equal(1, messages.EnumerateArray().Count(m => m.GetProperty("purpose").GetString() == "sign_in"));
        var code = messages[0].GetProperty("code").GetString()!;
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, first.GetProperty("oob_code").GetString()!, code)).Status);
    }

    [Fact]
    public async Task SmsPrimary_MoreThanTenTextsInAnHour_Refused()
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "sms-hourly");
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(200, (await StartAsync(server, client.ClientId, user.Login, "sms")).Status);
            server.Clock.Advance(TimeSpan.FromSeconds(31));
        }

        var (status, body, response) = await StartAsync(server, client.ClientId, user.Login, "sms");

        Assert.Equal(429, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal("10", response.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal(10, (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength());
        Assert.Contains(await PhoneSteps.AuditAsync(server, "system.phone.send_rate_limit"), e => e.ActorId == user.UserId && e.Reason == "HOURLY_CAP");
    }

    [Theory]
    [InlineData("unknown-login")]
    [InlineData("not-enrolled")]
    [InlineData("voice-only-sms-factor")]
    [InlineData("pending-factor")]
    public async Task SmsPrimary_NoUsablePhone_SameAnswerAsARealUserAndNothingSent(string who)
    {
        var client = await ClientAsync(server);
        var login = await LoginAsync(who);
        var channel = who == "voice-only-sms-factor" ? "voice" : "sms";
        var before = await OutboxCountAsync(server);

        var (status, started, _) = await StartAsync(server, client.ClientId, login, channel);

        Assert.Equal(200, status);
        Assert.Equal(["binding_method", "channel", "destination", "expires_in", "interval", "oob_code"], started.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Matches(@"^\+1 ••• ••• [0-9]{4}$", started.GetProperty("destination").GetString());
        Assert.Equal("prompt", started.GetProperty("binding_method").GetString());
        Assert.Equal(channel, started.GetProperty("channel").GetString());
        Assert.Equal(5, started.GetProperty("interval").GetInt32());
        Assert.Equal(before, await OutboxCountAsync(server));
        var (tokenStatus, body) = await TokenAsync(server, client.ClientId, started.GetProperty("oob_code").GetString()!, "123456");
        Assert.Equal((400, "invalid_grant"), (tokenStatus, body.GetProperty("error").GetString()));
        var (againStatus, again, _) = await StartAsync(server, client.ClientId, login, channel);
        Assert.Equal((429, "invalid_grant"), (againStatus, again.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("fax")]
    [InlineData("SMS")]
    [InlineData("")]
    public async Task PrimaryAuthenticate_UnknownChannel_400InvalidRequestAndNothingSent(string channel)
    {
        var client = await ClientAsync(server);
        var user = await UserAsync(server, "bad-channel");

        var (status, body, _) = await StartAsync(server, client.ClientId, user.Login, channel);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Equal(1, (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength());
    }

    [Fact]
    public async Task SmsPrimary_OobCodeOfAnotherClient_InvalidRequestAndTheCodeStillWorksForItsClient()
    {
        var client = await ClientAsync(server);
        var other = await ClientAsync(server);
        var user = await UserAsync(server, "sms-other-client");
        var (_, started, _) = await StartAsync(server, client.ClientId, user.Login, "sms");
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        var (status, body) = await TokenAsync(server, other.ClientId, oobCode, code);

        Assert.Equal((400, "invalid_request"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, oobCode, code)).Status);
    }

    private async Task<string> LoginAsync(string who)
    {
        var login = $"{who}-{Guid.NewGuid():N}"[..32] + "@example.com";
        if (who == "unknown-login") return login;
        var userId = await server.CreateUserAsync(login);
        if (who == "voice-only-sms-factor") await UserFactorAsync(userId, "sms", activate: true);
        if (who == "pending-factor") await UserFactorAsync(userId, "sms", activate: false);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        return login;
    }

    private async Task UserFactorAsync(string userId, string type, bool activate)
    {
        var phone = PhoneSteps.NewPhone();
        var factorId = await PhoneSteps.EnrollOkAsync(server, userId, type, phone);
        if (activate) Assert.Equal(200, (await PhoneSteps.ActivateAsync(server, userId, factorId, await PhoneSteps.LatestCodeAsync(server, phone))).Status);
    }
}
