using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Policies;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>A passkey as the primary factor: /primary-authenticate with challenge_hint=…webauthn, then the webauthn grant.</summary>
public sealed class PasskeySignInTests(PasskeyServer server) : IClassFixture<PasskeyServer>
{
    [Fact]
    public async Task PrimaryAuthenticate_LoginHint_ChallengeShapedAsOkta()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();

        var (status, body) = await server.PrimaryChallengeAsync(client.ClientId, login);

        Assert.True(status == 200, $"{status} {body}");
        Assert.Equal(PasskeySteps.Webauthn, body.GetProperty("challengeType").GetString());
        var publicKey = body.GetProperty("publicKey");
        Assert.Equal(32, SoftwarePasskey.FromB64(publicKey.GetProperty("challenge").GetString()!).Length);
        Assert.Equal("localhost", publicKey.GetProperty("rpId").GetString());
        Assert.Equal(300_000, publicKey.GetProperty("timeout").GetInt32());
        Assert.Equal("required", publicKey.GetProperty("userVerification").GetString());
        var allowed = Assert.Single(publicKey.GetProperty("allowCredentials").EnumerateArray());
        Assert.Equal("public-key", allowed.GetProperty("type").GetString());
        Assert.Equal(SoftwarePasskey.B64(key.CredentialId), allowed.GetProperty("id").GetString());
        Assert.Equal("http://localhost", publicKey.GetProperty("extensions").GetProperty("appid").GetString());
        var enrollment = Assert.Single(body.GetProperty("authenticatorEnrollments").EnumerateArray());
        Assert.Equal(SoftwarePasskey.B64(key.CredentialId), enrollment.GetProperty("credentialId").GetString());
        Assert.Equal("Passkey", enrollment.GetProperty("displayName").GetString());
        Assert.Equal("08fc0c68-688e-455e-b7f0-4006f0e2b28c", enrollment.GetProperty("profile").GetProperty("aaguid").GetString());
        Assert.NotNull(await AuditEvents.LatestAsync(server, "user.authentication.auth_via_webauthn.challenge", null));
    }

    [Fact]
    public async Task WebauthnGrant_LoginHint_TokensWithSwkUserPinMfaAndPhr()
    {
        var (client, userId, login, key) = await server.UserWithPasskeyAsync();
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.Origin));

        Assert.True(status == 200, $"{status} {body}");
        var idToken = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(userId, idToken.Subject);
        Assert.Equal(["swk", "user", "pin", "mfa"], PasskeySteps.Amr(idToken));
        Assert.Equal("phr", idToken.GetClaim("acr").Value);
        Assert.True(body.TryGetProperty("refresh_token", out _));
        var success = await AuditEvents.LatestAsync(server, "user.authentication.auth_via_webauthn", null);
        Assert.Equal("SUCCESS", success!.Outcome);
    }

    [Fact]
    public async Task WebauthnGrant_HardwareAaguid_Hwk()
    {
        var client = await server.RegisterClientAsync(PasskeySteps.Grants);
        var login = $"hw-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var key = new SoftwarePasskey { Aaguid = Guid.Parse("ee882879-721c-4913-9775-3dfcce97072a") };
        await server.EnrollPasskeyAsync(userId, key, "packed");

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(await server.ChallengeOkAsync(client.ClientId, login), PasskeyServer.Origin));

        Assert.True(status == 200, $"{status} {body}");
        var idToken = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["hwk", "user", "pin", "mfa"], PasskeySteps.Amr(idToken));
    }

    [Fact]
    public async Task WebauthnGrant_BackupEligibleFlag_Swk()
    {
        var client = await server.RegisterClientAsync(PasskeySteps.Grants);
        var login = $"be-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var key = new SoftwarePasskey { Aaguid = Guid.Parse("ee882879-721c-4913-9775-3dfcce97072a") };
        await server.EnrollPasskeyAsync(userId, key);

        var assertion = key.Assert(await server.ChallengeOkAsync(client.ClientId, login), PasskeyServer.Origin,
            flags: SoftwarePasskey.Up | SoftwarePasskey.Uv | SoftwarePasskey.Be | SoftwarePasskey.Bs);
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        Assert.True(status == 200, $"{status} {body}");
        var idToken = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal("swk", PasskeySteps.Amr(idToken)[0]);
    }

    [Fact]
    public async Task WebauthnGrant_Discoverable_UserFoundFromUserHandle()
    {
        var (client, userId, _, key) = await server.UserWithPasskeyAsync();
        var (status, challenge) = await server.PrimaryChallengeAsync(client.ClientId, null);
        Assert.True(status == 200, $"{status} {challenge}");
        Assert.Equal(0, challenge.GetProperty("publicKey").GetProperty("allowCredentials").GetArrayLength());
        Assert.Equal(0, challenge.GetProperty("authenticatorEnrollments").GetArrayLength());

        var (tokenStatus, body) = await server.RedeemAsync(client.ClientId, key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin));

        Assert.True(tokenStatus == 200, $"{tokenStatus} {body}");
        var idToken = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(userId, idToken.Subject);
    }

    [Fact]
    public async Task WebauthnGrant_AndroidAppOrigin_Accepted()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.AndroidOrigin));

        Assert.True(status == 200, $"{status} {body}");
    }

    [Fact]
    public async Task WebauthnGrant_PolicyDoesNotCountPasskeyAsTwo_MfaRequiredWhenUserHasTotp()
    {
        var (client, userId, login, key) = await server.UserWithPasskeyAsync();
        await server.EnrollTotpAsync(userId);
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "webauthn" }, passkeyCountsAsTwoFactors = false });
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.Origin));

        // The client cannot continue with mfa-otp (not enabled on the app): the sign-in is refused, not passed.
        Assert.True(status == 400, $"{status} {body}");
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task WebauthnGrant_PolicyWithoutWebauthnPrimary_Refused()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password" } });
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 400, "access_denied");
    }

    [Fact]
    public async Task PrimaryAuthenticate_AppWithoutWebauthnGrant_UnauthorizedClient()
    {
        var client = await server.RegisterClientAsync(["password"]);

        var (status, body) = await server.PrimaryChallengeAsync(client.ClientId, "someone@example.com");

        MfaSteps.AssertError(status, body, 400, "unauthorized_client");
    }

    [Fact]
    public async Task WebauthnGrant_SuspendedUserDiscoverable_InvalidGrant()
    {
        var (client, userId, _, key) = await server.UserWithPasskeyAsync();
        using var admin = server.Admin();
        Assert.Equal(200, (int)(await admin.PostAsync($"/api/v1/users/{userId}/lifecycle/suspend", null)).StatusCode);
        var (_, challenge) = await server.PrimaryChallengeAsync(client.ClientId, null);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(challenge.GetProperty("publicKey"), PasskeyServer.Origin));

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
    }

    [Fact]
    public async Task Discovery_ListsBothPasskeyGrants()
    {
        var (_, body) = await ServerFixture.ReadAsync(await server.Http.GetAsync("/oauth2/default/.well-known/openid-configuration"));
        var grants = body.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains(PasskeySteps.Webauthn, grants);
        Assert.Contains(PasskeySteps.MfaWebauthn, grants);
    }
}
