using System.Net.Http.Headers;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Mfa.MfaSteps;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>POST {base}/v1/challenge after mfa_required (PROTOCOL.md section 4).</summary>
public sealed class ChallengeEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Challenge_UserWithTotp_AnswersMfaOtpExactly()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var response = await server.PostFormAsync("/oauth2/default/v1/challenge",
            ("client_id", client.ClientId), ("mfa_token", mfaToken), ("challenge_types_supported", $"{MfaOtp} {MfaOob}"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("{\"challenge_type\":\"http://auth0.com/oauth/grant-type/mfa-otp\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Challenge_OrgServerPath_Works()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var (_, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/v1/token",
            ("grant_type", "password"), ("client_id", client.ClientId), ("username", login), ("password", ServerFixture.DefaultPassword), ("scope", "openid")));
        var mfaToken = body.GetProperty("mfa_token").GetString()!;

        var (status, challenge) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/v1/challenge",
            ("client_id", client.ClientId), ("mfa_token", mfaToken)));

        Assert.Equal(200, status);
        Assert.Equal(MfaOtp, challenge.GetProperty("challenge_type").GetString());
    }

    [Theory]
    [InlineData("push")]
    [InlineData("sms")]
    [InlineData("voice")]
    public async Task Challenge_ChannelHintWithoutOutOfBandFeature_UnsupportedChallengeTypeSaysWhy(string channel)
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login, "openid");

        var (status, body) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken),
            ("challenge_types_supported", MfaOob), ("channel_hint", channel));

        AssertError(status, body, 400, "unsupported_challenge_type", "Out-of-band authenticators (push, SMS, voice) are not available on this server.");
    }

    [Fact]
    public async Task Challenge_OnlyOobSupported_UnsupportedChallengeType()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login, "openid");

        var (status, body) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken), ("challenge_types_supported", MfaOob));

        AssertError(status, body, 400, "unsupported_challenge_type", "The user has no authenticator for the challenge types this client supports.");
    }

    [Fact]
    public async Task Challenge_OnlyRecoveryCodesSupported_AnswersRecoveryCodeGrant()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken), ("challenge_types_supported", MfaRecoveryCode));

        Assert.Equal(200, status);
        Assert.Equal(MfaRecoveryCode, body.GetProperty("challenge_type").GetString());
    }

    [Fact]
    public async Task Challenge_UnknownChannelHint_InvalidRequest()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken), ("channel_hint", "pigeon"));

        AssertError(status, body, 400, "invalid_request", "The 'channel_hint' must be one of: push, sms, voice.");
    }

    [Fact]
    public async Task Challenge_MissingMfaToken_InvalidRequest()
    {
        var client = await server.RegisterClientAsync(AllGrants);

        var (status, body) = await server.ChallengeAsync(("client_id", client.ClientId), ("challenge_types_supported", MfaOtp));

        AssertError(status, body, 400, "invalid_request", "The 'mfa_token' parameter is required.");
    }

    [Fact]
    public async Task Challenge_ExpiredMfaToken_AccessDenied403()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        server.Clock.Advance(TimeSpan.FromMinutes(6));

        var (status, body) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken));

        AssertError(status, body, 403, "access_denied", ExpiredMfaToken);
    }

    [Fact]
    public async Task Challenge_MfaTokenOfAnotherClient_InvalidRequest()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var other = await server.RegisterClientAsync(AllGrants);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await server.ChallengeAsync(("client_id", other.ClientId), ("mfa_token", mfaToken));

        AssertError(status, body, 400, "invalid_request", "The 'mfa_token' was not issued to this client.");
    }

    [Fact]
    public async Task Challenge_UnknownClient_InvalidClient401()
    {
        var (status, body) = await server.ChallengeAsync(("client_id", "0oa-no-such-client"), ("mfa_token", "whatever"));

        AssertError(status, body, 401, "invalid_client");
    }

    [Fact]
    public async Task Challenge_ConfidentialClientWithBasicAuth_Works()
    {
        var client = await server.RegisterClientAsync(["password", MfaOtp], "client_secret_basic", "web");
        var login = $"conf-{Guid.NewGuid():N}@example.com";
        await server.EnrollTotpAsync(await server.CreateUserAsync(login));
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}")));
        var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/oauth2/default/v1/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = login, ["password"] = ServerFixture.DefaultPassword, ["scope"] = "openid" }),
        };
        tokenRequest.Headers.Authorization = basic;
        var (_, mfa) = await ServerFixture.ReadAsync(await server.Http.SendAsync(tokenRequest));

        var challenge = new HttpRequestMessage(HttpMethod.Post, "/oauth2/default/v1/challenge")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["mfa_token"] = mfa.GetProperty("mfa_token").GetString()! }),
        };
        challenge.Headers.Authorization = basic;
        var (status, body) = await ServerFixture.ReadAsync(await server.Http.SendAsync(challenge));

        Assert.Equal(200, status);
        Assert.Equal(MfaOtp, body.GetProperty("challenge_type").GetString());
        var wrongSecret = await server.ChallengeAsync(("client_id", client.ClientId), ("client_secret", "wrong"), ("mfa_token", mfa.GetProperty("mfa_token").GetString()!));
        AssertError(wrongSecret.Status, wrongSecret.Body, 401, "invalid_client");
    }

    [Fact]
    public async Task Challenge_Success_IsLogged()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken));

        var events = await AuditEvents.AllAsync(server, "user.authentication.auth_via_mfa.challenge");
        Assert.Contains(events, e => e.ActorId == totp.UserId && e.Outcome == "SUCCESS" && e.Details!.Contains("mfa-otp", StringComparison.Ordinal));
    }
}
