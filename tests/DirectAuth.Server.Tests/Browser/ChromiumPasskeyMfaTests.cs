using DirectAuth.Protocol;
using DirectAuth.Server.Passkeys;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using static DirectAuth.Server.Tests.Browser.ChromiumPasskeySteps;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// Chromium's passkey as the second factor after the password: <c>403 mfa_required</c>, then the options
/// from <c>/challenge</c> (Kotlin SDK) or <c>/primary-authenticate</c> with the <c>mfa_token</c> (Swift SDK),
/// the virtual authenticator's assertion, and the mfa-webauthn grant.
/// </summary>
public sealed class ChromiumPasskeyMfaTests(ChromiumPasskeyServer server) : IClassFixture<ChromiumPasskeyServer>
{
    [Fact]
    public Task MfaWebauthn_ChromiumAssertionAfterChallengeEndpoint_TokensWithPwdAndPasskey() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, passkey.Login);

        var (challengeStatus, challenge) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken),
            ("challenge_types_supported", GrantTypes.MfaWebauthn));
        var publicKey = PublicKeyOf(challengeStatus, challenge, GrantTypes.MfaWebauthn);
        Assert.Equal(passkey.CredentialId, Assert.Single(publicKey.GetProperty("allowCredentials").EnumerateArray()).GetProperty("id").GetString());
        var assertion = await harness.GetAsync(publicKey);
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion, GrantTypes.MfaWebauthn, mfaToken);

        var (id, access) = await server.ValidTokensAsync(status, body, client.ClientId, passkey.UserId);
        Assert.Equal(["pwd", "hwk", "user", "pin", "mfa"], Amr(id));
        Assert.Equal(["pwd", "hwk", "user", "pin", "mfa"], Amr(access));
        // The passkey's signature is bound to the origin: the sign-in as a whole resists phishing.
        Assert.Equal("phr", id.GetClaim("acr").Value);
        Assert.Equal("phr", access.GetClaim("acr").Value);
        Assert.Equal("SUCCESS", (await server.Factory.AuditEventsAsync(PasskeyEvents.Verify, passkey.Login)).Last().Outcome);
    });

    [Fact]
    public Task MfaWebauthn_ChromiumAssertionAfterPrimaryAuthenticateWithMfaToken_TokensWithPwdAndPasskey() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, passkey.Login);

        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, loginHint: null, ("mfa_token", mfaToken));
        var publicKey = PublicKeyOf(challengeStatus, challenge, GrantTypes.MfaWebauthn);
        Assert.Equal(passkey.CredentialId, Assert.Single(publicKey.GetProperty("allowCredentials").EnumerateArray()).GetProperty("id").GetString());
        var assertion = await harness.GetAsync(publicKey);
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion, challenge.GetProperty("challengeType").GetString()!, mfaToken);

        var (id, _) = await server.ValidTokensAsync(status, body, client.ClientId, passkey.UserId);
        Assert.Equal(["pwd", "hwk", "user", "pin", "mfa"], Amr(id));
        Assert.Equal("phr", id.GetClaim("acr").Value);
    });

    [Fact]
    public Task MfaWebauthn_ChromiumAssertionReplayedOnTheMfaToken_AccessDenied() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, passkey.Login);
        var (challengeStatus, challenge) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", mfaToken),
            ("challenge_types_supported", GrantTypes.MfaWebauthn));
        var assertion = await harness.GetAsync(PublicKeyOf(challengeStatus, challenge, GrantTypes.MfaWebauthn));
        var (firstStatus, first) = await server.RedeemAsync(client.ClientId, assertion, GrantTypes.MfaWebauthn, mfaToken);
        await server.ValidTokensAsync(firstStatus, first, client.ClientId, passkey.UserId);

        var (status, body) = await server.RedeemAsync(client.ClientId, assertion, GrantTypes.MfaWebauthn, mfaToken);

        MfaSteps.AssertError(status, body, 403, "access_denied");
    });
}
