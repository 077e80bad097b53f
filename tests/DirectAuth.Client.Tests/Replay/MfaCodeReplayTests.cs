using DirectAuth.Client.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Replay;

/// <summary>Second factors the user types: OTP (seed's MFA OTP flow), SMS and voice codes, recovery codes.</summary>
public sealed class MfaCodeReplayTests : ReplayTest
{
    [Fact]
    public async Task MfaOtp_CorrectCode_SendsMfaOtpGrantAndReturnsTokens()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("token", 200, Server.TokenResponse());

        var step = await mfa.VerifyOtpAsync("123 456");

        Assert.IsType<SignInSuccess>(step);
        var request = Server.RequestsTo("token")[1];
        Assert.Equal("http://auth0.com/oauth/grant-type/mfa-otp", request["grant_type"]);
        Assert.Equal(OktaAnswers.MfaToken, request["mfa_token"]);
        Assert.Equal("123456", request["otp"]);
        Assert.Empty(Server.RequestsTo("challenge"));
    }

    [Fact]
    public async Task MfaOtp_WrongCodeThenRightCode_InvalidCodeThenSuccess()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("token", 400, OktaAnswers.WrongOtp);
        Server.Reply("token", 200, Server.TokenResponse());
        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Otp));

        var wrong = Assert.IsType<SignInFailed>(await code.SubmitCodeAsync("000000"));
        var right = await code.SubmitCodeAsync("123456");

        Assert.Equal(DirectAuthErrorKind.InvalidCode, wrong.Kind);
        Assert.Equal("invalid_grant", wrong.Error.Code);
        Assert.Equal("The 'otp' provided is either empty or incorrect. Use the correct OTP and try again.", wrong.Error.Description);
        Assert.IsType<SignInSuccess>(right);
    }

    [Fact]
    public async Task MfaOtp_MfaTokenExpired_FailsExpired()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("token", 403, OktaAnswers.ExpiredMfaToken);

        var failed = Assert.IsType<SignInFailed>(await mfa.VerifyOtpAsync("123456"));

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
    }

    [Fact]
    public async Task MfaOtp_EmptyCode_FailsWithoutARequest()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Otp));

        var failed = Assert.IsType<SignInFailed>(await code.SubmitCodeAsync("   "));

        Assert.Equal(DirectAuthErrorKind.InvalidCode, failed.Kind);
        Assert.Single(Server.RequestsTo("token"));
    }

    [Theory]
    [InlineData(Factor.Sms, "sms", OktaAnswers.SmsChallenge)]
    [InlineData(Factor.Voice, "voice", OktaAnswers.VoiceChallenge)]
    public async Task MfaPhone_CodeReceived_SendsBindingCodeOnceAndReturnsTokens(Factor factor, string channel, string challengeAnswer)
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, challengeAnswer);
        Server.Reply("token", 200, Server.TokenResponse());

        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(factor));
        var step = await code.SubmitCodeAsync("482 913");

        Assert.Equal(factor, code.Factor);
        Assert.Equal(Clock.GetUtcNow().AddSeconds(300), code.ExpiresAt);
        Assert.IsType<SignInSuccess>(step);
        Assert.Equal(channel, Server.RequestsTo("challenge")[0]["channel_hint"]);
        var token = Server.RequestsTo("token")[1];
        Assert.Equal("http://auth0.com/oauth/grant-type/mfa-oob", token["grant_type"]);
        Assert.Equal(OktaAnswers.OobCode, token["oob_code"]);
        Assert.Equal(OktaAnswers.MfaToken, token["mfa_token"]);
        Assert.Equal("482913", token["binding_code"]);
        Assert.Empty(Clock.Delays);
    }

    [Fact]
    public async Task MfaSms_WrongCode_InvalidCode()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.SmsChallenge);
        Server.Reply("token", 400, OktaAnswers.WrongOtp);

        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Sms));
        var failed = Assert.IsType<SignInFailed>(await code.SubmitCodeAsync("111111"));

        Assert.Equal(DirectAuthErrorKind.InvalidCode, failed.Kind);
        Assert.Equal(400, failed.Error.StatusCode);
    }

    [Fact]
    public async Task MfaVoice_ChallengeNamesTheDestination_OnTheCodeNeededStep()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-oob","oob_code":"o1","channel":"voice","binding_method":"prompt","expires_in":300,"interval":5,"destination":"+1 ••• ••• 0123"}""");

        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Voice));

        Assert.Equal((Factor.Voice, "+1 ••• ••• 0123"), (code.Factor, code.Destination));
    }

    [Fact]
    public async Task MfaSms_CodeExpired_FailsExpired()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.SmsChallenge);
        Server.Reply("token", 403, OktaAnswers.ExpiredOobCode);

        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Sms));
        var failed = Assert.IsType<SignInFailed>(await code.SubmitCodeAsync("482913"));

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
    }

    [Fact]
    public async Task MfaChallenge_ServerAnswersOtpChallengeType_AsksForOtp()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.OtpChallenge);
        Server.Reply("token", 200, Server.TokenResponse());

        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Push));
        Assert.IsType<SignInSuccess>(await code.SubmitCodeAsync("123456"));

        Assert.Equal(Factor.Otp, code.Factor);
        Assert.Equal("http://auth0.com/oauth/grant-type/mfa-otp", Server.RequestsTo("token")[1]["grant_type"]);
    }

    [Fact]
    public async Task MfaRequired_OktaDiscovery_OffersNoRecoveryCodeAndRefusesItWithoutARequest()
    {
        var mfa = await MfaRequiredAsync(NewClient());

        var failed = Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.RecoveryCode));

        Assert.Equal([Factor.Otp, Factor.Push, Factor.Sms, Factor.Voice], mfa.Factors);
        Assert.Equal(DirectAuthErrorKind.FactorUnavailable, failed.Kind);
        Assert.Single(Server.RequestsTo("token"));
    }

    [Fact]
    public async Task MfaRecoveryCode_ServerSupportsIt_SendsRecoveryCodeGrant()
    {
        ((System.Text.Json.Nodes.JsonArray)Server.Discovery["grant_types_supported"]!).Add("http://auth0.com/oauth/grant-type/mfa-recovery-code");
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("token", 200, Server.TokenResponse());

        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.RecoveryCode));
        Assert.IsType<SignInSuccess>(await code.SubmitCodeAsync(" rc-abcd-efgh "));

        Assert.Contains(Factor.RecoveryCode, mfa.Factors);
        var request = Server.RequestsTo("token")[1];
        Assert.Equal("http://auth0.com/oauth/grant-type/mfa-recovery-code", request["grant_type"]);
        Assert.Equal("rc-abcd-efgh", request["recovery_code"]);
        Assert.Equal(OktaAnswers.MfaToken, request["mfa_token"]);
    }

    [Fact]
    public async Task MfaRequired_AppOffersOnlyOtp_FactorsAndGrantTypesSupportedSayOnlyOtp()
    {
        var mfa = await MfaRequiredAsync(NewClient(secondFactors: [Factor.Otp]));

        Assert.Equal([Factor.Otp], mfa.Factors);
        Assert.Equal("password http://auth0.com/oauth/grant-type/mfa-otp", Server.RequestsTo("token")[0]["grant_types_supported"]);
        Assert.Equal(DirectAuthErrorKind.FactorUnavailable, Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.Push)).Kind);
        Assert.Empty(Server.RequestsTo("challenge"));
    }
}
