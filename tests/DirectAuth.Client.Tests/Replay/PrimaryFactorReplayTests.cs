using DirectAuth.Client.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Replay;

/// <summary>Primary factors other than the password: OTP, and out-of-band push, SMS and voice (seeds 003 and 004).</summary>
public sealed class PrimaryFactorReplayTests : ReplayTest
{
    [Fact]
    public async Task OtpSignIn_CorrectCode_SendsOtpGrantWithLoginHint()
    {
        Server.Reply("token", 200, Server.TokenResponse());

        var step = await NewClient().SignInWithOtpAsync("ada@example.com", "123456");

        Assert.IsType<SignInSuccess>(step);
        var request = Assert.Single(Server.RequestsTo("token"));
        Assert.Equal("urn:okta:params:oauth:grant-type:otp", request["grant_type"]);
        Assert.Equal("ada@example.com", request["login_hint"]);
        Assert.Equal("123456", request["otp"]);
        Assert.Equal("openid profile offline_access", request["scope"]);
    }

    [Fact]
    public async Task OtpSignIn_WrongCode_InvalidCode()
    {
        Server.Reply("token", 400, OktaAnswers.WrongOtp);

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithOtpAsync("ada@example.com", "000000"));

        Assert.Equal(DirectAuthErrorKind.InvalidCode, failed.Kind);
    }

    [Fact]
    public async Task OtpSignIn_PolicyWantsMore_MfaRequired()
    {
        Server.Reply("token", 403, OktaAnswers.MfaRequired);

        Assert.IsType<MfaRequired>(await NewClient().SignInWithOtpAsync("ada@example.com", "123456"));
    }

    [Fact]
    public async Task PushSignIn_Approved_PrimaryAuthenticateThenOobGrant()
    {
        Server.Reply("primary-authenticate", 200, OktaAnswers.PrimaryPush);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 200, Server.TokenResponse());

        var waiting = Assert.IsType<Waiting>(await NewClient().SignInWithOobAsync("ada@example.com", OobChannel.Push));
        var step = await waiting.WaitAsync();

        Assert.Null(waiting.BindingCode);
        Assert.IsType<SignInSuccess>(step);
        var start = Assert.Single(Server.RequestsTo("primary-authenticate"));
        Assert.Equal("ada@example.com", start["login_hint"]);
        Assert.Equal("push", start["channel_hint"]);
        Assert.Equal("urn:okta:params:oauth:grant-type:oob", start["challenge_hint"]);
        Assert.Equal(ReplayServer.ClientId, start["client_id"]);
        Assert.All(Server.RequestsTo("token"), poll =>
        {
            Assert.Equal("urn:okta:params:oauth:grant-type:oob", poll["grant_type"]);
            Assert.Equal(OktaAnswers.OobCode, poll["oob_code"]);
            Assert.Null(poll["mfa_token"]);
        });
        Assert.Equal([Seconds(5), Seconds(5)], Clock.Delays);
    }

    [Fact]
    public async Task PushSignIn_NumberChallenge_BindingCodeIsTheString95()
    {
        Server.Reply("primary-authenticate", 200, OktaAnswers.PrimaryPushWithNumber);
        Server.Reply("token", 400, OktaAnswers.WrongNumber);

        var waiting = Assert.IsType<Waiting>(await NewClient().SignInWithOobAsync("ada@example.com", OobChannel.Push));
        var failed = Assert.IsType<SignInFailed>(await waiting.WaitAsync());

        Assert.Equal("95", waiting.BindingCode);
        Assert.Equal(DirectAuthErrorKind.Denied, failed.Kind);
    }

    [Fact]
    public async Task PushSignIn_PolicyWantsSecondFactor_MfaRequiredAfterApproval()
    {
        Server.Reply("primary-authenticate", 200, OktaAnswers.PrimaryPush);
        Server.Reply("token", 403, OktaAnswers.MfaRequired);

        var waiting = Assert.IsType<Waiting>(await NewClient().SignInWithOobAsync("ada@example.com", OobChannel.Push));

        Assert.IsType<MfaRequired>(await waiting.WaitAsync());
    }

    [Theory]
    [InlineData(OobChannel.Sms, Factor.Sms, "sms", OktaAnswers.PrimarySms)]
    [InlineData(OobChannel.Voice, Factor.Voice, "voice", OktaAnswers.PrimaryVoice)]
    public async Task PhoneSignIn_CodeTyped_SendsBindingCodeWithOobGrant(OobChannel channel, Factor factor, string hint, string answer)
    {
        Server.Reply("primary-authenticate", 200, answer);
        Server.Reply("token", 200, Server.TokenResponse());

        var code = Assert.IsType<CodeNeeded>(await NewClient().SignInWithOobAsync("ada@example.com", channel));
        var step = await code.SubmitCodeAsync("482913");

        Assert.Equal(factor, code.Factor);
        Assert.IsType<SignInSuccess>(step);
        Assert.Equal(hint, Server.RequestsTo("primary-authenticate")[0]["channel_hint"]);
        var token = Assert.Single(Server.RequestsTo("token"));
        Assert.Equal("urn:okta:params:oauth:grant-type:oob", token["grant_type"]);
        Assert.Equal("482913", token["binding_code"]);
        Assert.Equal(OktaAnswers.OobCode, token["oob_code"]);
    }

    [Theory]
    [InlineData(OktaAnswers.PrimarySms, null)]   // Okta's answer names no destination
    [InlineData("""{"oob_code":"o1","channel":"sms","binding_method":"prompt","destination":"+1 ••• ••• 0123"}""", "+1 ••• ••• 0123")]
    [InlineData("""{"oob_code":"o1","channel":"voice","binding_method":"prompt","destination":"+44 ••• ••• 9876"}""", "+44 ••• ••• 9876")]
    [InlineData("""{"oob_code":"o1","channel":"sms","binding_method":"prompt","destination":"+1 \u001b[2J 0123"}""", null)]   // control characters
    [InlineData("""{"oob_code":"o1","channel":"sms","binding_method":"prompt","destination":""}""", null)]
    public async Task PhoneSignIn_AnswerDestination_OnTheCodeNeededStepWhenItIsPlainText(string answer, string? destination)
    {
        Server.Reply("primary-authenticate", 200, answer);

        var code = Assert.IsType<CodeNeeded>(await NewClient().SignInWithOobAsync("ada@example.com", OobChannel.Sms));

        Assert.Equal(destination, code.Destination);
    }

    [Fact]
    public async Task PushSignIn_AnswerWithoutOptionalFields_UsesOktaDefaults()
    {
        Server.Reply("primary-authenticate", 200, """{"oob_code":"oob-minimal"}""");
        Server.Reply("token", 200, Server.TokenResponse());
        var before = Clock.GetUtcNow();

        var waiting = Assert.IsType<Waiting>(await NewClient().SignInWithOobAsync("ada@example.com", OobChannel.Push));

        Assert.Equal(Seconds(5), waiting.Interval);
        Assert.Equal(before.AddSeconds(300), waiting.ExpiresAt);
        Assert.Null(waiting.BindingCode);
        Assert.IsType<SignInSuccess>(await waiting.WaitAsync());
    }

    [Fact]
    public async Task SmsSignIn_AnswerWithoutBindingMethod_StillAsksForTheCode()
    {
        Server.Reply("primary-authenticate", 200, """{"oob_code":"oob-minimal","channel":"sms"}""");

        var code = Assert.IsType<CodeNeeded>(await NewClient().SignInWithOobAsync("ada@example.com", OobChannel.Sms));

        Assert.Equal(Factor.Sms, code.Factor);
    }

    [Fact]
    public async Task PushSignIn_AnswerWithoutOobCode_InvalidResponse()
    {
        Server.Reply("primary-authenticate", 200, """{"expires_in":300,"interval":5,"channel":"push","binding_method":"none"}""");

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithOobAsync("ada@example.com", OobChannel.Push));

        Assert.Equal(DirectAuthErrorKind.InvalidResponse, failed.Kind);
    }

    [Fact]
    public async Task PushSignIn_UnknownUserRefused_ErrorPassedThrough()
    {
        Server.Reply("primary-authenticate", 400, """{"error":"invalid_request","error_description":"The user cannot be signed in with this authenticator."}""");

        var failed = Assert.IsType<SignInFailed>(await NewClient().SignInWithOobAsync("nobody@example.com", OobChannel.Push));

        Assert.Equal(DirectAuthErrorKind.ClientRejected, failed.Kind);
        Assert.Equal("invalid_request", failed.Error.Code);
        Assert.Equal("The user cannot be signed in with this authenticator.", failed.Error.Description);
    }
}
