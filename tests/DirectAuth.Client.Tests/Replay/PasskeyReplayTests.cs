using System.Text.Json.Nodes;
using DirectAuth.Client.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Replay;

/// <summary>
/// Passkeys (PROTOCOL.md section 9): the challenge answers exactly as the contract prints them, the requests the SDK
/// sends for them, and how refusals map. The real server's answers are covered in RealServer/PasskeyFlowTests.
/// </summary>
public sealed class PasskeyReplayTests : ReplayTest
{
    private const string Webauthn = "urn:okta:params:oauth:grant-type:webauthn";
    private const string MfaWebauthn = "urn:okta:params:oauth:grant-type:mfa-webauthn";

    private const string Challenge =
        """{"challengeType":"urn:okta:params:oauth:grant-type:webauthn","publicKey":{"challenge":"dGhlLWNoYWxsZW5nZQ","rpId":"example.com","timeout":300000,"userVerification":"required","allowCredentials":[{"type":"public-key","id":"Y3JlZC0x"}],"extensions":{"appid":"https://example.com"}},"authenticatorEnrollments":[{"credentialId":"Y3JlZC0x","displayName":"Laptop","profile":{"aaguid":"08fc0c68-688e-455e-b7f0-4006f0e2b28c"}}]}""";

    private const string DiscoverableChallenge =
        """{"challengeType":"urn:okta:params:oauth:grant-type:webauthn","publicKey":{"challenge":"dGhlLWNoYWxsZW5nZQ","rpId":"example.com","timeout":300000,"userVerification":"required","allowCredentials":[],"extensions":{"appid":"https://example.com"}},"authenticatorEnrollments":[]}""";

    private const string MfaChallenge =
        """{"challengeType":"urn:okta:params:oauth:grant-type:mfa-webauthn","publicKey":{"challenge":"bWZhLWNoYWxsZW5nZQ","rpId":"example.com","timeout":120000,"userVerification":"required","allowCredentials":[{"type":"public-key","id":"Y3JlZC0x"}]},"authenticatorEnrollments":[{"credentialId":"Y3JlZC0x","displayName":"Laptop","profile":{"aaguid":"08fc0c68-688e-455e-b7f0-4006f0e2b28c"}}]}""";

    private static readonly PasskeyAssertion Assertion = new([1, 2, 3], [0x7b, 0x7d], [4, 5, 6, 0xfb], [7, 8, 9, 0xff], [10, 11]);

    private DirectAuthClient PasskeyClient(params Factor[] secondFactors)
    {
        ((JsonArray)Server.Discovery["grant_types_supported"]!).Add(Webauthn);
        ((JsonArray)Server.Discovery["grant_types_supported"]!).Add(MfaWebauthn);
        return NewClient(secondFactors.Length == 0 ? [Factor.Otp, Factor.Passkey] : secondFactors);
    }

    [Fact]
    public async Task PasskeySignIn_WithUsername_PasskeyNeededWithTheOptions_ThenWebauthnGrantWithFlatFields()
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 200, Challenge);
        Server.Reply("token", 200, Server.TokenResponse());

        var needed = Assert.IsType<PasskeyNeeded>(await client.SignInWithPasskeyAsync("ada@example.com"));
        var step = await needed.SubmitAssertionAsync(Assertion);

        Assert.Equal("dGhlLWNoYWxsZW5nZQ", needed.Challenge);
        Assert.Equal("example.com", needed.RpId);
        Assert.Equal(TimeSpan.FromMinutes(5), needed.Timeout);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMinutes(5), needed.ExpiresAt);
        Assert.Equal("required", needed.UserVerification);
        Assert.Equal(["Y3JlZC0x"], needed.AllowCredentials);
        Assert.Equal([new PasskeyEnrollment("Y3JlZC0x", "Laptop", "08fc0c68-688e-455e-b7f0-4006f0e2b28c")], needed.Enrollments);
        Assert.False(needed.IsSecondFactor);
        Assert.Equal(JsonNode.Parse(Challenge)!["publicKey"]!.ToJsonString(), JsonNode.Parse(needed.RequestOptionsJson)!.ToJsonString());
        Assert.Equal(Challenge, needed.ChallengeJson);
        Assert.IsType<SignInSuccess>(step);

        var start = Assert.Single(Server.RequestsTo("primary-authenticate"));
        Assert.Equal(Webauthn, start["challenge_hint"]);
        Assert.Equal("ada@example.com", start["login_hint"]);
        Assert.Equal(ReplayServer.ClientId, start["client_id"]);
        var token = Assert.Single(Server.RequestsTo("token"));
        Assert.Equal(Webauthn, token["grant_type"]);
        Assert.Equal("e30", token["clientDataJSON"]);
        Assert.Equal("BAUG-w", token["authenticatorData"]);
        Assert.Equal("BwgJ_w", token["signature"]);
        Assert.Equal("Cgs", token["userHandle"]);
        Assert.Null(token["mfa_token"]);
        Assert.Equal($"{Webauthn} {Auth0MfaOtp} {MfaWebauthn}", token["grant_types_supported"]);
    }

    private const string Auth0MfaOtp = "http://auth0.com/oauth/grant-type/mfa-otp";

    [Fact]
    public async Task PasskeySignIn_WithoutUsername_NoLoginHint_DiscoverableOptions_NoUserHandleWhenThePlatformGivesNone()
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 200, DiscoverableChallenge);
        Server.Reply("token", 200, Server.TokenResponse());

        var needed = Assert.IsType<PasskeyNeeded>(await client.SignInWithPasskeyAsync());
        await needed.SubmitAssertionAsync(Assertion with { UserHandle = null });

        Assert.Empty(needed.AllowCredentials);
        Assert.Empty(needed.Enrollments);
        Assert.Null(Assert.Single(Server.RequestsTo("primary-authenticate"))["login_hint"]);
        Assert.Null(Assert.Single(Server.RequestsTo("token"))["userHandle"]);
    }

    [Fact]
    public async Task PasskeySignIn_AssertionRefused_InvalidCredentials()
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 200, Challenge);
        Server.Reply("token", 400, """{"error":"invalid_grant","error_description":"The passkey assertion is not valid."}""");

        var needed = Assert.IsType<PasskeyNeeded>(await client.SignInWithPasskeyAsync("ada@example.com"));
        var failed = Assert.IsType<SignInFailed>(await needed.SubmitAssertionAsync(Assertion));

        Assert.Equal(DirectAuthErrorKind.InvalidCredentials, failed.Kind);
        Assert.Equal("invalid_grant", failed.Error.Code);
    }

    [Fact]
    public async Task PasskeySignIn_ChallengeUsedOrExpired_Expired()
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 200, Challenge);
        Server.Reply("token", 403, """{"error":"access_denied","error_description":"The challenge is invalid or has expired."}""");

        var needed = Assert.IsType<PasskeyNeeded>(await client.SignInWithPasskeyAsync("ada@example.com"));
        var failed = Assert.IsType<SignInFailed>(await needed.SubmitAssertionAsync(Assertion));

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
    }

    [Fact]
    public async Task PasskeySignIn_AsFirstFactorUnderATwoFactorPolicy_MfaRequired()
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 200, Challenge);
        Server.Reply("token", 403, OktaAnswers.MfaRequired);

        var needed = Assert.IsType<PasskeyNeeded>(await client.SignInWithPasskeyAsync("ada@example.com"));

        Assert.IsType<MfaRequired>(await needed.SubmitAssertionAsync(Assertion));
    }

    [Fact]
    public async Task PasskeySignIn_ServerRefusesTheApp_ClientRejected()
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 400, """{"error":"unauthorized_client","error_description":"The client is not authorized to use the provided grant type. Configured grant types: [password]."}""");

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasskeyAsync("ada@example.com"));

        Assert.Equal(DirectAuthErrorKind.ClientRejected, failed.Kind);
    }

    [Theory]
    [InlineData("""{"challengeType":"urn:okta:params:oauth:grant-type:webauthn"}""")]
    [InlineData("""{"challengeType":"urn:okta:params:oauth:grant-type:webauthn","publicKey":{"rpId":"example.com"}}""")]
    [InlineData("""{"challengeType":"urn:okta:params:oauth:grant-type:webauthn","publicKey":{"challenge":"AAAA"}}""")]
    [InlineData("not json")]
    public async Task PasskeySignIn_UnusableChallengeAnswer_InvalidResponse(string body)
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 200, body);

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasskeyAsync("ada@example.com"));

        Assert.Equal(DirectAuthErrorKind.InvalidResponse, failed.Kind);
    }

    [Fact]
    public async Task PasskeySignIn_NoRpIdButAppId_RpIdIsTheAppIdsHost_AsOktasKotlinSdkReadsIt()
    {
        var client = PasskeyClient();
        Server.Reply("primary-authenticate", 200,
            """{"challengeType":"urn:okta:params:oauth:grant-type:webauthn","publicKey":{"challenge":"AAAA","extensions":{"appid":"https://login.example.com"}}}""");

        var needed = Assert.IsType<PasskeyNeeded>(await client.SignInWithPasskeyAsync());

        Assert.Equal("login.example.com", needed.RpId);
        Assert.Equal("preferred", needed.UserVerification);
        Assert.Equal(TimeSpan.FromMinutes(5), needed.Timeout);
    }

    [Fact]
    public async Task Mfa_ChoosePasskey_ChallengeWithMfaWebauthn_ThenMfaWebauthnGrantWithMfaToken()
    {
        var client = PasskeyClient();
        var mfa = await MfaRequiredAsync(client);
        Server.Reply("challenge", 200, MfaChallenge);
        Server.Reply("token", 200, Server.TokenResponse());

        Assert.Contains(Factor.Passkey, mfa.Factors);
        var needed = Assert.IsType<PasskeyNeeded>(await mfa.ChooseAsync(Factor.Passkey));
        var step = await needed.SubmitAssertionAsync(Assertion);

        Assert.True(needed.IsSecondFactor);
        Assert.Equal("bWZhLWNoYWxsZW5nZQ", needed.Challenge);
        Assert.Equal(TimeSpan.FromMinutes(2), needed.Timeout);
        Assert.IsType<SignInSuccess>(step);
        var challenge = Assert.Single(Server.RequestsTo("challenge"));
        Assert.Equal(OktaAnswers.MfaToken, challenge["mfa_token"]);
        Assert.Equal(MfaWebauthn, challenge["challenge_types_supported"]);
        Assert.Null(challenge["channel_hint"]);
        Assert.Empty(Server.RequestsTo("primary-authenticate"));
        var token = Server.RequestsTo("token")[^1];
        Assert.Equal(MfaWebauthn, token["grant_type"]);
        Assert.Equal(OktaAnswers.MfaToken, token["mfa_token"]);
        Assert.Equal("e30", token["clientDataJSON"]);
        Assert.Equal("BAUG-w", token["authenticatorData"]);
        Assert.Equal("BwgJ_w", token["signature"]);
    }

    [Fact]
    public async Task Mfa_ChoosePasskey_ChallengeEndpointDoesNotTakeIt_AsksPrimaryAuthenticateWithMfaTokenAsOktasSwiftSdk()
    {
        var client = PasskeyClient();
        var mfa = await MfaRequiredAsync(client);
        Server.Reply("challenge", 400, """{"error":"unsupported_challenge_type","error_description":"The challenge type is not supported."}""");
        Server.Reply("primary-authenticate", 200, MfaChallenge);
        Server.Reply("token", 200, Server.TokenResponse());

        var needed = Assert.IsType<PasskeyNeeded>(await mfa.ChooseAsync(Factor.Passkey));
        Assert.IsType<SignInSuccess>(await needed.SubmitAssertionAsync(Assertion));

        var start = Assert.Single(Server.RequestsTo("primary-authenticate"));
        Assert.Equal(OktaAnswers.MfaToken, start["mfa_token"]);
        Assert.Equal(Webauthn, start["challenge_hint"]);
        Assert.Null(start["login_hint"]);
        Assert.Equal(MfaWebauthn, Server.RequestsTo("token")[^1]["grant_type"]);
    }

    [Fact]
    public async Task Mfa_ChoosePasskey_UserHasNone_FactorUnavailable()
    {
        var client = PasskeyClient();
        var mfa = await MfaRequiredAsync(client);
        Server.Reply("challenge", 400, """{"error":"unsupported_challenge_type","error_description":"The challenge type is not supported."}""");
        Server.Reply("primary-authenticate", 400, """{"error":"unsupported_challenge_type","error_description":"The user has no passkey."}""");

        var failed = Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.Passkey));

        Assert.Equal(DirectAuthErrorKind.FactorUnavailable, failed.Kind);
    }

    [Fact]
    public async Task Mfa_PasskeyNotAmongTheAppsSecondFactors_NotOffered_AndNotInGrantTypesSupported()
    {
        var client = PasskeyClient(Factor.Otp);
        var mfa = await MfaRequiredAsync(client);

        var failed = Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.Passkey));

        Assert.DoesNotContain(Factor.Passkey, mfa.Factors);
        Assert.Equal(DirectAuthErrorKind.FactorUnavailable, failed.Kind);
        Assert.Empty(Server.RequestsTo("challenge"));
        Assert.Equal($"password {Auth0MfaOtp}", Server.RequestsTo("token")[0]["grant_types_supported"]);
    }

    [Fact]
    public void Assertion_FromBase64Url_TakesPaddedAndUnpadded_RefusesOther()
    {
        var a = PasskeyAssertion.FromBase64Url("AQID", "e30", "BAUG-w==", "BwgJ/w", null);

        Assert.Equal([1, 2, 3], a.CredentialId);
        Assert.Equal([4, 5, 6, 0xfb], a.AuthenticatorData);
        Assert.Equal([7, 8, 9, 0xff], a.Signature);
        Assert.Null(a.UserHandle);
        Assert.Throws<FormatException>(() => PasskeyAssertion.FromBase64Url("AQID", "e30", "not base64!", "AA", null));
    }
}
