using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Cli.Authenticator.Passkeys;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Client.Tests.RealServer.RealServerClient;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>
/// Passkeys through the SDK against the real server (no Passkeys settings: RP id "localhost", origin
/// http://localhost, the test host): PasskeyNeeded, the assertion from the CLI's software passkey standing in for
/// the platform's passkey API, tokens; alone, without a username, after the password; and the refusals.
/// </summary>
public sealed class PasskeyFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Webauthn = "urn:okta:params:oauth:grant-type:webauthn";
    private const string MfaWebauthn = "urn:okta:params:oauth:grant-type:mfa-webauthn";
    private const string Origin = "http://localhost";
    private static readonly IReadOnlyList<Factor> WithPasskey = [Factor.Otp, Factor.Push, Factor.Sms, Factor.Voice, Factor.RecoveryCode, Factor.Passkey];

    private static string[] Amr(TokenSet tokens) => tokens.User!.FindAll("amr").Select(c => c.Value).ToArray();

    /// <summary>A user with one passkey enrolled through the Factors API (the software passkey answers the creation options).</summary>
    private async Task<(string UserId, string Login, PasskeyAccount Passkey)> UserWithPasskeyAsync(string name = "Laptop")
    {
        var login = $"passkey-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var admin = server.Admin();
        var factor = await Ok(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new { factorType = "webauthn", provider = "FIDO", profile = new { authenticatorName = name } }));
        var options = factor.GetProperty("_embedded").GetProperty("activation");
        var registration = SoftwarePasskey.Create(options, Origin, packed: false, []);
        var factorId = factor.GetProperty("id").GetString()!;
        var active = await Ok(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate", new
        {
            attestation = WebAuthnEncoding.Base64Url(registration.AttestationObject),
            clientData = WebAuthnEncoding.Base64Url(registration.ClientDataJson),
        }));
        Assert.Equal("ACTIVE", active.GetProperty("status").GetString());
        using var key = registration.Key;
        return (userId, login, new PasskeyAccount
        {
            Server = Origin, FactorId = factorId, UserId = userId, Login = login, Name = name,
            RpId = options.GetProperty("rp").GetProperty("id").GetString()!, Origin = Origin,
            CredentialId = WebAuthnEncoding.Base64Url(registration.CredentialId),
            UserHandle = WebAuthnEncoding.Base64Url(WebAuthnEncoding.FromBase64Url(options.GetProperty("user").GetProperty("id").GetString()!)),
            PrivateKey = Convert.ToBase64String(key.ExportPkcs8PrivateKey()),
        });
    }

    /// <summary>What the platform's passkey API would return for the step's options.</summary>
    private static Client.PasskeyAssertion Answer(PasskeyNeeded needed, PasskeyAccount passkey, string? origin = null)
    {
        var signed = SoftwarePasskey.Sign(passkey, JsonDocument.Parse(needed.RequestOptionsJson).RootElement, origin);
        return Client.PasskeyAssertion.FromBase64Url(signed.CredentialId, signed.ClientDataJson, signed.AuthenticatorData, signed.Signature, signed.UserHandle);
    }

    [Fact]
    public async Task PasskeyOnly_WithUsername_PasskeyNeededListsTheEnrollment_ThenSignedInWithSwkAndPhr()
    {
        var (userId, login, passkey) = await UserWithPasskeyAsync("Work laptop");
        var client = await server.RegisterClientAsync([Webauthn, "refresh_token"]);
        using var sdk = Create(server, client.ClientId);

        var needed = Assert.IsType<PasskeyNeeded>(await sdk.SignInWithPasskeyAsync(login));
        var tokens = Succeeded(await needed.SubmitAssertionAsync(Answer(needed, passkey)));

        Assert.Equal("localhost", needed.RpId);
        Assert.Equal("required", needed.UserVerification);
        Assert.Equal([passkey.CredentialId], needed.AllowCredentials);
        var enrollment = Assert.Single(needed.Enrollments);
        Assert.Equal(passkey.CredentialId, enrollment.CredentialId);
        Assert.Equal("Work laptop", enrollment.DisplayName);
        Assert.Equal(SoftwarePasskey.Aaguid.ToString(), enrollment.Aaguid);
        Assert.False(needed.IsSecondFactor);
        Assert.Equal(userId, tokens.Subject);
        Assert.Contains("swk", Amr(tokens));
        Assert.Contains("pin", Amr(tokens));
        Assert.Contains("phr", tokens.User!.FindFirst("acr")!.Value, StringComparison.Ordinal);
        Assert.NotNull(tokens.RefreshToken);
    }

    [Fact]
    public async Task PasskeyOnly_WithoutUsername_DiscoverableOptions_SignedInAsThePasskeysUser()
    {
        var (userId, _, passkey) = await UserWithPasskeyAsync();
        var client = await server.RegisterClientAsync([Webauthn]);
        using var sdk = Create(server, client.ClientId, scope: "openid profile");

        var needed = Assert.IsType<PasskeyNeeded>(await sdk.SignInWithPasskeyAsync());
        var tokens = Succeeded(await needed.SubmitAssertionAsync(Answer(needed, passkey)));

        Assert.Empty(needed.AllowCredentials);
        Assert.Empty(needed.Enrollments);
        Assert.Equal(userId, tokens.Subject);
    }

    [Fact]
    public async Task PasswordThenPasskey_MfaRequiredOffersPasskey_ThenSignedInWithBothFactors()
    {
        var (userId, login, passkey) = await UserWithPasskeyAsync();
        var client = await server.RegisterClientAsync(["password", "refresh_token", MfaWebauthn]);
        using var sdk = Create(server, client.ClientId, secondFactors: WithPasskey);

        var mfa = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var needed = Assert.IsType<PasskeyNeeded>(await mfa.ChooseAsync(Factor.Passkey));
        var tokens = Succeeded(await needed.SubmitAssertionAsync(Answer(needed, passkey)));

        Assert.Contains(Factor.Passkey, mfa.Factors);
        Assert.True(needed.IsSecondFactor);
        Assert.Equal([passkey.CredentialId], needed.AllowCredentials);
        Assert.Equal(userId, tokens.Subject);
        Assert.Contains("pwd", Amr(tokens));
        Assert.Contains("swk", Amr(tokens));
        Assert.Contains("mfa", Amr(tokens));
    }

    [Fact]
    public async Task PasskeyOnly_AssertionReplayed_ExpiredOnTheSecondTry()
    {
        var (_, login, passkey) = await UserWithPasskeyAsync();
        var client = await server.RegisterClientAsync([Webauthn]);
        using var sdk = Create(server, client.ClientId, scope: "openid");
        var needed = Assert.IsType<PasskeyNeeded>(await sdk.SignInWithPasskeyAsync(login));
        var assertion = Answer(needed, passkey);

        Succeeded(await needed.SubmitAssertionAsync(assertion));
        var replay = Assert.IsType<SignInFailed>(await needed.SubmitAssertionAsync(assertion));

        Assert.Equal(DirectAuthErrorKind.Expired, replay.Kind);
        Assert.Equal(403, replay.Error.StatusCode);
        Assert.Equal("access_denied", replay.Error.Code);
    }

    [Fact]
    public async Task PasskeyOnly_WrongOrigin_InvalidCredentials()
    {
        var (_, login, passkey) = await UserWithPasskeyAsync();
        var client = await server.RegisterClientAsync([Webauthn]);
        using var sdk = Create(server, client.ClientId, scope: "openid");
        var needed = Assert.IsType<PasskeyNeeded>(await sdk.SignInWithPasskeyAsync(login));

        var failed = Assert.IsType<SignInFailed>(await needed.SubmitAssertionAsync(Answer(needed, passkey, origin: "https://evil.example")));

        Assert.Equal(DirectAuthErrorKind.InvalidCredentials, failed.Kind);
        Assert.Equal("invalid_grant", failed.Error.Code);
    }

    [Fact]
    public async Task PasskeyOnly_AnotherUsersPasskeyAnswersTheChallenge_InvalidCredentials()
    {
        var (_, ada, _) = await UserWithPasskeyAsync();
        var (_, _, bobsPasskey) = await UserWithPasskeyAsync();
        var client = await server.RegisterClientAsync([Webauthn]);
        using var sdk = Create(server, client.ClientId, scope: "openid");
        var needed = Assert.IsType<PasskeyNeeded>(await sdk.SignInWithPasskeyAsync(ada));

        var failed = Assert.IsType<SignInFailed>(await needed.SubmitAssertionAsync(Answer(needed, bobsPasskey)));

        Assert.Equal(DirectAuthErrorKind.InvalidCredentials, failed.Kind);
    }

    [Fact]
    public async Task PasskeyOnly_AppWithoutTheWebauthnGrant_ClientRejected()
    {
        var (_, login, _) = await UserWithPasskeyAsync();
        var client = await server.RegisterClientAsync(["password"]);
        using var sdk = Create(server, client.ClientId, scope: "openid");

        var failed = Assert.IsType<SignInFailed>(await sdk.SignInWithPasskeyAsync(login));

        Assert.Equal(DirectAuthErrorKind.ClientRejected, failed.Kind);
    }

    [Fact]
    public async Task PasswordThenPasskey_UserHasNoPasskey_FactorUnavailable_ThenOtpStillPossible()
    {
        var login = $"nopasskey-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var totp = await DirectAuth.Server.Tests.Mfa.MfaSteps.EnrollTotpAsync(server, userId);
        var client = await server.RegisterClientAsync(["password", DirectAuth.Server.Tests.Mfa.MfaSteps.MfaOtp, MfaWebauthn]);
        using var sdk = Create(server, client.ClientId, scope: "openid", secondFactors: WithPasskey);

        var mfa = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var failed = Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.Passkey));
        var tokens = Succeeded(await mfa.VerifyOtpAsync(DirectAuth.Server.Tests.Mfa.MfaSteps.CodeNow(server, totp)));

        Assert.Equal(DirectAuthErrorKind.FactorUnavailable, failed.Kind);
        Assert.Equal(userId, tokens.Subject);
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.True(status == 200, $"{response.RequestMessage?.RequestUri}: {status} {body}");
        return body;
    }
}
