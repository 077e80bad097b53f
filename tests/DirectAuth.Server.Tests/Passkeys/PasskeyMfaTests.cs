using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>A passkey as the second factor after the password: the Kotlin path (/challenge) and the Swift path (/primary-authenticate with mfa_token).</summary>
public sealed class PasskeyMfaTests(PasskeyServer server) : IClassFixture<PasskeyServer>
{
    private static async Task<System.Text.Json.JsonElement> AssertChallenge(Task<(int Status, System.Text.Json.JsonElement Body)> call)
    {
        var (status, body) = await call;
        Assert.True(status == 200, $"{status} {body}");
        Assert.Equal(PasskeySteps.MfaWebauthn, body.GetProperty("challengeType").GetString());
        return body;
    }

    [Fact]
    public async Task Challenge_MfaWebauthnSupported_PasskeyOptionsThenTokensWithPwdAndPasskeyAmr()
    {
        var (client, userId, login, key) = await server.UserWithPasskeyAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var challenge = await AssertChallenge(server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken),
            ("challenge_types_supported", PasskeySteps.MfaWebauthn)));
        Assert.Equal(SoftwarePasskey.B64(key.CredentialId), challenge.GetProperty("publicKey").GetProperty("allowCredentials")[0].GetProperty("id").GetString());
        Assert.Equal("localhost", challenge.GetProperty("publicKey").GetProperty("rpId").GetString());

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin),
            PasskeySteps.MfaWebauthn, mfaToken);

        Assert.True(status == 200, $"{status} {body}");
        var idToken = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(userId, idToken.Subject);
        Assert.Equal(["pwd", "swk", "user", "pin", "mfa"], PasskeySteps.Amr(idToken));
        Assert.Equal("phr", idToken.GetClaim("acr").Value);
    }

    [Fact]
    public async Task PrimaryAuthenticate_WithMfaToken_SwiftPathCompletesMfa()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var challenge = await AssertChallenge(server.PrimaryChallengeAsync(client.ClientId, null, ("mfa_token", mfaToken)));
        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin),
            PasskeySteps.MfaWebauthn, mfaToken);

        Assert.True(status == 200, $"{status} {body}");
        var idToken = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["pwd", "swk", "user", "pin", "mfa"], PasskeySteps.Amr(idToken));
    }

    [Fact]
    public async Task WebauthnGrantWithMfaToken_TreatedAsSecondFactor()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        var challenge = await AssertChallenge(server.PrimaryChallengeAsync(client.ClientId, null, ("mfa_token", mfaToken)));

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin),
            PasskeySteps.Webauthn, mfaToken);

        Assert.True(status == 200, $"{status} {body}");
    }

    [Fact]
    public async Task MfaToken_OfAnotherClient_InvalidRequestOnBothPaths()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var other = await server.RegisterClientAsync(PasskeySteps.Grants);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (cs, cb) = await server.ChallengeAsync(("client_id", other.ClientId), ("mfa_token", mfaToken), ("challenge_types_supported", PasskeySteps.MfaWebauthn));
        MfaSteps.AssertError(cs, cb, 400, "invalid_request");
        var (ps, pb) = await server.PrimaryChallengeAsync(other.ClientId, null, ("mfa_token", mfaToken));
        MfaSteps.AssertError(ps, pb, 400, "invalid_request");

        var challenge = await AssertChallenge(server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken), ("challenge_types_supported", PasskeySteps.MfaWebauthn)));
        var (ts, tb) = await server.RedeemAsync(other.ClientId, key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin), PasskeySteps.MfaWebauthn, mfaToken);
        MfaSteps.AssertError(ts, tb, 400, "invalid_request");
    }

    [Fact]
    public async Task MfaChallenge_OfAnotherTransaction_AccessDenied()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var first = await server.MfaTokenAsync(client.ClientId, login);
        var second = await server.MfaTokenAsync(client.ClientId, login);
        var challenge = await AssertChallenge(server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", first), ("challenge_types_supported", PasskeySteps.MfaWebauthn)));

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin), PasskeySteps.MfaWebauthn, second);

        MfaSteps.AssertError(status, body, 403, "access_denied");
    }

    [Fact]
    public async Task MfaPasskey_OfAnotherUser_InvalidGrant()
    {
        var (client, _, login, _) = await server.UserWithPasskeyAsync();
        var (_, _, _, otherKey) = await server.UserWithPasskeyAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        var challenge = await AssertChallenge(server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken), ("challenge_types_supported", PasskeySteps.MfaWebauthn)));

        var (status, body) = await server.RedeemAsync(client.ClientId, otherKey.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin), PasskeySteps.MfaWebauthn, mfaToken);

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
    }

    [Fact]
    public async Task MfaRequired_ClientWithoutMfaWebauthn_CannotContinue()
    {
        var (_, userId, login, _) = await server.UserWithPasskeyAsync();
        var client = await server.RegisterClientAsync(["password", PasskeySteps.Webauthn]);

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword, "openid");

        MfaSteps.AssertError(status, body, 400, "access_denied");
        Assert.NotNull(userId);
    }
}
