using System.Globalization;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Policies;
using static DirectAuth.Server.Tests.Phone.PhoneMfaSteps;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>
/// SMS and voice as the second factor, misused: codes presented with the wrong <c>mfa_token</c>, client or
/// grant, users without a usable phone, a policy that does not accept the channel, and a second text too
/// soon. Each gets the contract's error, nothing is sent that should not be, and nothing else changes.
/// </summary>
public sealed class PhoneMfaMisuseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task SmsMfa_OobCodeOfAnotherMfaToken_InvalidRequestAndBothUnchanged()
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, "mfa-mix", "sms");
        var otherToken = await server.MfaTokenAsync(client.ClientId, user.Login);
        var oobCode = await OobCodeAsync(server, client.ClientId, user.MfaToken, "sms");
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        // More tries than a token allows: none of them may count against either token or the code.
        for (var i = 0; i < 6; i++)
        {
            var (status, body) = await TokenAsync(server, client.ClientId, otherToken, oobCode, i % 2 == 0 ? code : PhoneSteps.WrongCode(code));
            MfaSteps.AssertError(status, body, 400, "invalid_request", OtherMfaToken);
        }

        Assert.Equal(200, (await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code)).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var otherOob = await OobCodeAsync(server, client.ClientId, otherToken, "sms");
        var otherCode = await PhoneSteps.LatestCodeAsync(server, user.Phone);
        Assert.NotEqual(oobCode, otherOob);
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, otherToken, otherOob, otherCode)).Status);
    }

    [Fact]
    public async Task SmsMfa_OobCodeFromAnotherClient_InvalidRequestAndTheCodeStillWorksForItsClient()
    {
        var client = await ClientAsync(server);
        var other = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, "mfa-other-client", "sms");
        var otherToken = await server.MfaTokenAsync(other.ClientId, user.Login);
        var oobCode = await OobCodeAsync(server, client.ClientId, user.MfaToken, "sms");
        var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        var (ownToken, ownTokenBody) = await TokenAsync(server, other.ClientId, otherToken, oobCode, code);
        var (theirToken, theirTokenBody) = await TokenAsync(server, other.ClientId, user.MfaToken, oobCode, code);

        MfaSteps.AssertError(ownToken, ownTokenBody, 400, "invalid_request", "The 'oob_code' was not issued to this client. Review the values and try again.");
        MfaSteps.AssertError(theirToken, theirTokenBody, 400, "invalid_request", "The 'mfa_token' was not issued to this client.");
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, user.MfaToken, oobCode, code)).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(200, (await ChallengeAsync(server, other.ClientId, otherToken, "sms")).Status);
    }

    [Fact]
    public async Task SmsCodes_AcrossTheOobGrants_InvalidRequestAndBothStillWork()
    {
        var client = await server.RegisterClientAsync(["password", "refresh_token", GrantTypes.Oob, GrantTypes.MfaOob]);
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:sms" } });
        var user = await SignedInAsync(server, client.ClientId, "mfa-cross", "sms");
        var mfaOob = await OobCodeAsync(server, client.ClientId, user.MfaToken, "sms");
        var mfaCode = await PhoneSteps.LatestCodeAsync(server, user.Phone);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var (_, primary, _) = await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms");
        var primaryOob = primary.GetProperty("oob_code").GetString()!;
        var primaryCode = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        var (asPrimary, asPrimaryBody) = await PhoneSignIn.TokenAsync(server, client.ClientId, mfaOob, mfaCode);
        var (asMfa, asMfaBody) = await TokenAsync(server, client.ClientId, user.MfaToken, primaryOob, primaryCode);

        MfaSteps.AssertError(asPrimary, asPrimaryBody, 400, "invalid_request",
            "The 'oob_code' was issued for a multifactor challenge; use it with the mfa-oob grant and its 'mfa_token'.");
        MfaSteps.AssertError(asMfa, asMfaBody, 400, "invalid_request", OtherMfaToken);
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, user.MfaToken, mfaOob, mfaCode)).Status);
        Assert.Equal(200, (await PhoneSignIn.TokenAsync(server, client.ClientId, primaryOob, primaryCode)).Status);
    }

    [Theory]
    [InlineData("totp-only", "sms")]
    [InlineData("totp-only", "voice")]
    [InlineData("totp-and-unverified-sms", "sms")]
    [InlineData("sms-only", "voice")]
    [InlineData("call-only", "sms")]
    [InlineData("sms-reset-after-password", "sms")]
    public async Task PhoneMfa_NoUsablePhoneForTheChannel_UnsupportedChallengeTypeAndNothingSent(string who, string channel)
    {
        var client = await ClientAsync(server, [.. PhoneMfaSteps.Grants, GrantTypes.MfaOtp]);
        var (userId, mfaToken, fallback) = await SignedInWithoutUsablePhoneAsync(client.ClientId, who);
        var before = await PhoneSignIn.OutboxCountAsync(server);

        var (status, body, _) = await ChallengeAsync(server, client.ClientId, mfaToken, channel);

        MfaSteps.AssertError(status, body, 400, "unsupported_challenge_type", NoSuchAuthenticator(channel));
        Assert.Equal(before, await PhoneSignIn.OutboxCountAsync(server));
        Assert.DoesNotContain(await PhoneSteps.AuditAsync(server, "user.authentication.auth_via_mfa.challenge"),
            e => e.ActorId == userId && e.Outcome == "SUCCESS");
        // The mfa_token is unharmed: the factor the user does have still works.
        var (fallbackStatus, fallbackBody, _) = await ChallengeAsync(server, client.ClientId, mfaToken, fallback.Channel, fallback.ChallengeType);
        Assert.True(fallbackStatus == 200, $"{fallbackStatus} {fallbackBody}");
        Assert.Equal(fallback.ChallengeType, fallbackBody.GetProperty("challenge_type").GetString());
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("voice")]
    public async Task PhoneMfa_PolicyDoesNotAcceptTheChannel_UnsupportedChallengeTypeAndNothingSent(string channel)
    {
        var client = await ClientAsync(server, [.. PhoneMfaSteps.Grants, GrantTypes.MfaOtp]);
        await server.AssignPolicyAsync(client.ClientId, new { secondFactors = new[] { "otp", "push" } });
        var user = await PhoneSignIn.UserAsync(server, $"mfa-policy-{channel}", FactorType(channel));
        await server.EnrollTotpAsync(user.UserId);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, user.Login);
        var sent = (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength();

        var (status, body, _) = await ChallengeAsync(server, client.ClientId, mfaToken, channel);

        MfaSteps.AssertError(status, body, 400, "unsupported_challenge_type", NoSuchAuthenticator(channel));
        Assert.Equal(sent, (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength());
        Assert.Equal(GrantTypes.MfaOtp, (await ChallengeAsync(server, client.ClientId, mfaToken, null, GrantTypes.MfaOtp)).Body.GetProperty("challenge_type").GetString());
    }

    [Fact]
    public async Task SmsMfa_PolicyAcceptsNoPhone_SmsOnlyUserSignsInWithThePasswordAlone()
    {
        var client = await ClientAsync(server);
        await server.AssignPolicyAsync(client.ClientId, new { secondFactors = new[] { "otp" } });
        var user = await PhoneSignIn.UserAsync(server, "mfa-policy-none", "sms");

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, user.Login, ServerFixture.DefaultPassword, "openid");

        Assert.Equal(200, status);
        Assert.Equal(["pwd"], (await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId)).GetPayloadValue<string[]>("amr"));
    }

    [Theory]
    [InlineData("no-mfa-oob-grant")]
    [InlineData("mfa-oob-not-supported")]
    public async Task SmsMfa_ClientCannotUseTheMfaOobGrant_UnsupportedChallengeTypeAndNothingSent(string why)
    {
        var grants = why == "no-mfa-oob-grant" ? new[] { "password", "refresh_token", GrantTypes.MfaOtp } : [.. PhoneMfaSteps.Grants, GrantTypes.MfaOtp];
        var client = await ClientAsync(server, grants);
        var user = await PhoneSignIn.UserAsync(server, "mfa-client-" + why, "sms");
        await server.EnrollTotpAsync(user.UserId);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, user.Login);
        var sent = (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength();

        var (status, body, _) = await ChallengeAsync(server, client.ClientId, mfaToken, "sms",
            why == "no-mfa-oob-grant" ? GrantTypes.MfaOob : GrantTypes.MfaOtp);

        MfaSteps.AssertError(status, body, 400, "unsupported_challenge_type", NoSuchAuthenticator("sms"));
        Assert.Equal(sent, (await PhoneSteps.OutboxAsync(server, user.Phone)).GetArrayLength());
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("voice")]
    public async Task PhoneMfa_SecondChallengeWithinThirtySeconds_429AndTheFirstCodeStillWorks(string channel)
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, $"mfa-again-{channel}", channel);
        var first = await OobCodeAsync(server, client.ClientId, user.MfaToken, channel);
        server.Clock.Advance(TimeSpan.FromSeconds(12));

        var (status, body, response) = await ChallengeAsync(server, client.ClientId, user.MfaToken, channel);

        MfaSteps.AssertError(status, body, 429, "invalid_grant", "API call exceeded rate limit due to too many requests.");
        Assert.Equal("1", response.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal("0", response.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(18).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            response.Headers.GetValues("X-Rate-Limit-Reset").Single());
        Assert.Equal("18", response.Headers.GetValues("Retry-After").Single());
        var messages = await PhoneSteps.OutboxAsync(server, user.Phone);
        Assert.Equal(1, messages.EnumerateArray().Count(m => m.GetProperty("purpose").GetString() == "sign_in"));
        Assert.Contains(await PhoneSteps.AuditAsync(server, "system.phone.send_rate_limit"), e => e.ActorId == user.UserId && e.Reason == "RESEND_TOO_SOON");
        var code = messages[0].GetProperty("code").GetString()!;
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, user.MfaToken, first, code)).Status);
    }

    [Fact]
    public async Task SmsMfa_AfterThirtySeconds_NewTextWithItsOwnCodeAndTheSignInCompletesOnce()
    {
        var client = await ClientAsync(server);
        var user = await SignedInAsync(server, client.ClientId, "mfa-resend", "sms");
        var first = await OobCodeAsync(server, client.ClientId, user.MfaToken, "sms");
        var firstCode = await PhoneSteps.LatestCodeAsync(server, user.Phone);
        server.Clock.Advance(TimeSpan.FromSeconds(30));

        var second = await OobCodeAsync(server, client.ClientId, user.MfaToken, "sms");
        var secondCode = await PhoneSteps.LatestCodeAsync(server, user.Phone);

        if (firstCode != secondCode)
        {
            var (crossed, crossedBody) = await TokenAsync(server, client.ClientId, user.MfaToken, second, firstCode);
            MfaSteps.AssertError(crossed, crossedBody, 400, "invalid_grant", PhoneSignIn.WrongCodeDescription);
        }
        Assert.Equal(200, (await TokenAsync(server, client.ClientId, user.MfaToken, second, secondCode)).Status);
        var (late, lateBody) = await TokenAsync(server, client.ClientId, user.MfaToken, first, firstCode);
        MfaSteps.AssertError(late, lateBody, 403, "access_denied", MfaSteps.ExpiredMfaToken);
    }

    [Fact]
    public async Task SmsMfa_RightAfterAPrimaryText_429BecauseTheLimitIsPerPhone()
    {
        var client = await server.RegisterClientAsync(["password", "refresh_token", GrantTypes.Oob, GrantTypes.MfaOob]);
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:sms" } });
        var user = await SignedInAsync(server, client.ClientId, "mfa-after-primary", "sms");
        Assert.Equal(200, (await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms")).Status);

        var (status, body, _) = await ChallengeAsync(server, client.ClientId, user.MfaToken, "sms");

        MfaSteps.AssertError(status, body, 429, "invalid_grant", "API call exceeded rate limit due to too many requests.");
    }

    /// <summary>A user signed in with the password who has no ACTIVE phone factor for the channel under test, and the factor they do have.</summary>
    private async Task<(string UserId, string MfaToken, (string? Channel, string ChallengeType) Fallback)> SignedInWithoutUsablePhoneAsync(string clientId, string who)
    {
        var otp = ((string?)null, GrantTypes.MfaOtp);
        switch (who)
        {
            case "totp-only":
            case "totp-and-unverified-sms":
            {
                var login = $"{who}-{Guid.NewGuid():N}"[..32] + "@example.com";
                var userId = await server.CreateUserAsync(login);
                await server.EnrollTotpAsync(userId);
                if (who == "totp-and-unverified-sms") await PhoneSteps.EnrollOkAsync(server, userId, "sms", PhoneSteps.NewPhone());
                server.Clock.Advance(TimeSpan.FromSeconds(31));
                return (userId, await server.MfaTokenAsync(clientId, login), otp);
            }
            case "sms-only":
            case "call-only":
            {
                var user = await PhoneSignIn.UserAsync(server, who, who == "sms-only" ? "sms" : "call");
                return (user.UserId, await server.MfaTokenAsync(clientId, user.Login), (who == "sms-only" ? "sms" : "voice", GrantTypes.MfaOob));
            }
            default:
            {
                var user = await PhoneSignIn.UserAsync(server, who, "sms");
                await server.EnrollTotpAsync(user.UserId);
                var mfaToken = await server.MfaTokenAsync(clientId, user.Login);
                using var admin = server.Admin();
                var (_, factors) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/users/{user.UserId}/factors"));
                var sms = factors.EnumerateArray().Single(f => f.GetProperty("factorType").GetString() == "sms").GetProperty("id").GetString();
                Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/users/{user.UserId}/factors/{sms}")).StatusCode);
                return (user.UserId, mfaToken, otp);
            }
        }
    }
}
