using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DirectAuth.Server.Passkeys;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using static DirectAuth.Server.Tests.Browser.ChromiumPasskeySteps;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// What the server must refuse when the assertion comes from Chromium's virtual authenticator: an origin it
/// does not allow, no user verification, a replay, a rewound counter, another user's passkey, a decoy, a
/// challenge past its timeout.
/// </summary>
public sealed class ChromiumPasskeyMisuseTests(ChromiumPasskeyServer server) : IClassFixture<ChromiumPasskeyServer>
{
    [Fact]
    public Task WebauthnGrant_ChromiumAssertionFromOriginNotConfigured_InvalidGrant() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        await harness.NavigateAsync(harness.Site.OtherOrigin);

        var assertion = await harness.GetAsync(PublicKeyOf(challengeStatus, challenge));
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        Assert.Equal(harness.Site.OtherOrigin, ClientDataOrigin(assertion));
        MfaSteps.AssertError(status, body, 400, "invalid_grant");
        Assert.Equal("ORIGIN_NOT_ALLOWED", (await server.Factory.AuditEventsAsync(PasskeyEvents.Verify, passkey.Login)).Last().Reason);
    });

    [Fact]
    public Task WebauthnGrant_ChromiumUserNotVerifiedWhenRequired_InvalidGrant() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        var publicKey = PublicKeyOf(challengeStatus, challenge);
        Assert.Equal("required", publicKey.GetProperty("userVerification").GetString());
        await harness.Authenticator.SetUserVerifiedAsync(false);

        // Chromium honours "required" and refuses; an app that asks the platform with "discouraged" gets an assertion without UV.
        Assert.Equal("NotAllowedError", await harness.GetRefusedAsync(publicKey));
        var assertion = await harness.GetAsync(publicKey, o => o["userVerification"] = "discouraged");
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        Assert.False(AuthenticatorData.Parse(Base64Url.Decode(assertion.AuthenticatorData)).UserVerified);
        MfaSteps.AssertError(status, body, 400, "invalid_grant");
        Assert.Equal("USER_VERIFICATION_REQUIRED", (await server.Factory.AuditEventsAsync(PasskeyEvents.Verify, passkey.Login)).Last().Reason);
    });

    [Fact]
    public Task WebauthnGrant_ChromiumAssertionReplayed_AccessDenied() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        var assertion = await harness.GetAsync(PublicKeyOf(challengeStatus, challenge));
        var (firstStatus, first) = await server.RedeemAsync(client.ClientId, assertion);
        await server.ValidTokensAsync(firstStatus, first, client.ClientId, passkey.UserId);

        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        MfaSteps.AssertError(status, body, 403, "access_denied");
    });

    [Fact]
    public Task WebauthnGrant_ChromiumCounterRewound_InvalidGrantAndCloneWarning() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var (firstChallengeStatus, firstChallenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        var first = await harness.GetAsync(PublicKeyOf(firstChallengeStatus, firstChallenge));
        var (firstStatus, firstBody) = await server.RedeemAsync(client.ClientId, first);
        await server.ValidTokensAsync(firstStatus, firstBody, client.ClientId, passkey.UserId);
        var counter = AuthenticatorData.Parse(Base64Url.Decode(first.AuthenticatorData)).SignCount;
        Assert.True(counter > 1, $"Chromium's counter after one assertion: {counter}");
        await harness.Authenticator.SetSignCountAsync(passkey.CredentialId, counter - 2);

        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        var rewound = await harness.GetAsync(PublicKeyOf(challengeStatus, challenge));
        var (status, body) = await server.RedeemAsync(client.ClientId, rewound);

        Assert.Equal(counter - 1, AuthenticatorData.Parse(Base64Url.Decode(rewound.AuthenticatorData)).SignCount);
        MfaSteps.AssertError(status, body, 400, "invalid_grant");
        var warning = Assert.Single(await server.Factory.AuditEventsAsync(PasskeyEvents.CloneSuspected, passkey.Login));
        Assert.Equal("WARN", warning.Severity);
        Assert.Equal(passkey.FactorId, warning.TargetId);
    });

    [Fact]
    public Task FactorsApi_ChromiumCreatesOnOriginNotConfigured_RefusedAndStaysPending() => WebAuthnHarness.RunAsync(async harness =>
    {
        var userId = await server.CreateUserAsync($"chromium-{Guid.NewGuid():N}@example.com");
        using var admin = server.Admin();
        var (_, pending) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new { factorType = "webauthn", provider = "FIDO" }));
        var factorId = pending.GetProperty("id").GetString()!;
        await harness.NavigateAsync(harness.Site.OtherOrigin);

        var created = await harness.CreateAsync(pending.GetProperty("_embedded").GetProperty("activation"));
        var response = await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate",
            new { attestation = created.AttestationObject, clientData = created.ClientDataJson });

        await OAuthTestKit.AssertOktaErrorAsync(response, 400, "E0000001");
        var (_, factors) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/users/{userId}/factors"));
        Assert.Equal("PENDING_ACTIVATION", Assert.Single(factors.EnumerateArray(), f => f.GetProperty("id").GetString() == factorId)
            .GetProperty("status").GetString());
    });

    [Fact]
    public Task WebauthnGrant_ChromiumAnswersChallengeOfAnotherUserWithItsOwnPasskey_InvalidGrant() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var victim = await server.EnrollChromiumPasskeyAsync(harness);
        await harness.Authenticator.RemoveCredentialAsync(victim.CredentialId); // the victim's passkey is on the victim's device
        var mine = await server.EnrollChromiumPasskeyAsync(harness);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, victim.Login);

        // An app that drops allowCredentials lets Chromium answer with the discoverable passkey it has: another user's.
        var assertion = await harness.GetAsync(PublicKeyOf(challengeStatus, challenge), o => o["allowCredentials"] = new JsonArray());
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        Assert.Equal(mine.CredentialId, assertion.CredentialId);
        Assert.Equal(mine.UserHandle, assertion.UserHandle);
        MfaSteps.AssertError(status, body, 400, "invalid_grant");
        Assert.Empty(await server.Factory.AuditEventsAsync(PasskeyEvents.Verify, mine.Login));
        Assert.Equal("FAILURE", (await server.Factory.AuditEventsAsync(PasskeyEvents.Verify, victim.Login)).Last().Outcome);
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task WebauthnGrant_ChromiumAnswersDecoyChallengeWithItsOwnPasskey_InvalidGrant(bool hintedUserExists) => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var mine = await server.EnrollChromiumPasskeyAsync(harness);
        var hinted = $"no-passkey-{Guid.NewGuid():N}@example.com";
        if (hintedUserExists) await server.CreateUserAsync(hinted);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, hinted);

        // The decoy names credentials nobody has; an app that drops allowCredentials gets Chromium's own passkey.
        var assertion = await harness.GetAsync(PublicKeyOf(challengeStatus, challenge), o => o["allowCredentials"] = new JsonArray());
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        Assert.Equal(mine.UserHandle, assertion.UserHandle);
        MfaSteps.AssertError(status, body, 400, "invalid_grant");
        Assert.DoesNotContain(await server.Factory.AuditEventsAsync(PasskeyEvents.Verify, mine.Login), e => e.Outcome == "SUCCESS");
    }, name: $"{nameof(WebauthnGrant_ChromiumAnswersDecoyChallengeWithItsOwnPasskey_InvalidGrant)}-{hintedUserExists}");

    [Fact]
    public Task WebauthnGrant_ChromiumAssertionAfterChallengeTimeout_AccessDenied() => WebAuthnHarness.RunAsync(async harness =>
    {
        var client = await server.RegisterClientAsync(PasskeyGrants);
        var passkey = await server.EnrollChromiumPasskeyAsync(harness);
        var (challengeStatus, challenge) = await server.PrimaryAuthenticateAsync(client.ClientId, passkey.Login);
        var publicKey = PublicKeyOf(challengeStatus, challenge);
        var assertion = await harness.GetAsync(publicKey);

        server.Clock.Advance(TimeSpan.FromMilliseconds(publicKey.GetProperty("timeout").GetInt32() + 1000));
        var (status, body) = await server.RedeemAsync(client.ClientId, assertion);

        MfaSteps.AssertError(status, body, 403, "access_denied");
    });

    private static string ClientDataOrigin(WebAuthnAssertion assertion) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(Base64Url.Decode(assertion.ClientDataJson))).RootElement.GetProperty("origin").GetString()!;
}
