using DirectAuth.Server.Passkeys;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Browser.ChromiumPasskeySteps;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// A passkey made by a third-party authenticator, Chromium's virtual one, as the only factor: enrolled
/// through the Factors API, then /primary-authenticate (with and without login_hint), the browser's
/// assertion, and /token exactly as a native app posts it. And what the server must refuse.
/// </summary>
public sealed class ChromiumPasskeySignInTests(ChromiumPasskeyServer server) : IClassFixture<ChromiumPasskeyServer>
{
    [Fact]
    public Task FactorsApi_ChromiumCreatesPasskey_ActiveWithItsCredentialIdAndAaguid() => WebAuthnHarness.RunAsync(async harness =>
    {
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);

        Assert.Equal("none", passkey.Attestation.Format); // the server's default conveyance
        var stored = Assert.Single(await harness.Authenticator.CredentialsAsync());
        Assert.Equal(passkey.CredentialId, stored.CredentialId);
        Assert.True(stored.IsResident);
        Assert.Equal("localhost", stored.RpId);
        Assert.Equal(passkey.UserHandle, stored.UserHandle);
        using var admin = server.Admin();
        var (status, factors) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/users/{passkey.UserId}/factors"));
        Assert.Equal(200, status);
        var factor = Assert.Single(factors.EnumerateArray(), f => f.GetProperty("id").GetString() == passkey.FactorId);
        Assert.Equal("webauthn", factor.GetProperty("factorType").GetString());
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
        var profile = factor.GetProperty("profile");
        Assert.Equal(passkey.CredentialId, profile.GetProperty("credentialId").GetString());
        Assert.Equal("Chromium", profile.GetProperty("authenticatorName").GetString());
        Assert.Equal(passkey.Aaguid.ToString(), profile.GetProperty("aaguid").GetString());
    });

    [Fact]
    public Task WebauthnGrant_ChromiumAssertionWithLoginHint_TokensWithHwkUserPinAndPhr() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        var publicKey = PublicKeyOf(challengeStatus, challenge);
        Assert.Equal(passkey.CredentialId, Assert.Single(publicKey.GetProperty("allowCredentials").EnumerateArray()).GetProperty("id").GetString());

        var assertion = await harness.GetAsync(publicKey);
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        var (id, access) = await server.ValidTokensAsync(status, body, client.ClientId, passkey.UserId);
        // Chromium's virtual authenticator is neither a known software AAGUID nor backup eligible: a hardware key.
        Assert.Equal(["hwk", "user", "pin", "mfa"], Amr(id));
        Assert.Equal(["hwk", "user", "pin", "mfa"], Amr(access));
        Assert.Equal("phr", id.GetClaim("acr").Value);
        Assert.Equal("phr", access.GetClaim("acr").Value);
        Assert.Equal(passkey.UserHandle, assertion.UserHandle);
        var verified = (await server.Factory.AuditEventsAsync(PasskeyEvents.Verify, passkey.Login)).Last();
        Assert.Equal("SUCCESS", verified.Outcome);
    });

    [Fact]
    public Task WebauthnGrant_ChromiumDiscoverableCredentialWithoutLoginHint_TokensForItsUser() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, loginHint: null);
        var publicKey = PublicKeyOf(challengeStatus, challenge);
        Assert.Equal(0, publicKey.GetProperty("allowCredentials").GetArrayLength());

        var assertion = await harness.GetAsync(publicKey);
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        Assert.Equal(passkey.CredentialId, assertion.CredentialId);
        Assert.Equal(passkey.UserHandle, assertion.UserHandle);
        var (id, _) = await server.ValidTokensAsync(status, body, client.ClientId, passkey.UserId);
        Assert.Equal(["hwk", "user", "pin", "mfa"], Amr(id));
    });
}
