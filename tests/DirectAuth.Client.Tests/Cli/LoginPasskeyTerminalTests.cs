using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Cli.Authenticator.Passkeys;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// <c>directauth login</c> with a passkey in a terminal, against the real server on a loopback port (RP id
/// 127.0.0.1, origin its URL): the person types the password and picks the passkey from the second-factor menu,
/// which offers it because the authenticator's state file holds one; or signs in with the passkey alone.
/// </summary>
public sealed class LoginPasskeyTerminalTests(LoopbackServerFixture fixture) : IClassFixture<LoopbackServerFixture>, IDisposable
{
    private const string MfaWebauthn = "urn:okta:params:oauth:grant-type:mfa-webauthn";
    private readonly string _state = Path.Combine(Directory.CreateTempSubdirectory("directauth-passkey-terminal-").FullName, "authenticator.json");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_state)!, recursive: true);

    /// <summary>A user whose passkey is enrolled on the loopback instance and kept in this test's state file.</summary>
    private async Task<(string UserId, string Login)> UserWithPasskeyAsync()
    {
        var login = $"passkey-cli-{Guid.NewGuid():N}@example.com";
        var userId = await fixture.Server.CreateUserAsync(login);
        using var admin = new HttpClient { BaseAddress = new Uri(fixture.Origin) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        var factor = await Ok(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "webauthn", provider = "FIDO", profile = new { authenticatorName = "Terminal key" } }));
        var options = factor.GetProperty("_embedded").GetProperty("activation");
        var registration = SoftwarePasskey.Create(options, fixture.Origin, packed: false, []);
        using var key = registration.Key;
        var factorId = factor.GetProperty("id").GetString()!;
        await Ok(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate", new
        {
            attestation = WebAuthnEncoding.Base64Url(registration.AttestationObject),
            clientData = WebAuthnEncoding.Base64Url(registration.ClientDataJson),
        }));
        var state = new AuthenticatorState();
        state.Passkeys.Add(new PasskeyAccount
        {
            Server = fixture.Origin, FactorId = factorId, UserId = userId, Login = login, Name = "Terminal key",
            RpId = options.GetProperty("rp").GetProperty("id").GetString()!, Origin = fixture.Origin,
            CredentialId = WebAuthnEncoding.Base64Url(registration.CredentialId),
            UserHandle = WebAuthnEncoding.Base64Url(WebAuthnEncoding.FromBase64Url(options.GetProperty("user").GetProperty("id").GetString()!)),
            PrivateKey = Convert.ToBase64String(key.ExportPkcs8PrivateKey()),
        });
        state.Save(_state);
        return (userId, login);
    }

    [Fact]
    public async Task Login_PasswordThenPasskeyPickedFromMenu_SignedInWithBothFactors()
    {
        var (userId, login) = await UserWithPasskeyAsync();
        var client = await fixture.Server.RegisterClientAsync(["password", "refresh_token", MfaWebauthn]);
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --username {login} --authenticator-state '{_state}'");

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        // The heading is drawn before the choices; wait for the choice itself, not the heading.
        var menu = await terminal.WaitForAsync("Passkey (this terminal's software passkey)");
        terminal.Press("Down", "Down", "Down", "Down", "Down");
        var chosen = await terminal.WaitForAsync("> Passkey (this terminal's software passkey)");
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.Contains("Passkey (this terminal's software passkey)", menu, StringComparison.Ordinal);
        Assert.Contains("> Passkey", chosen, StringComparison.Ordinal);
        Assert.Contains("Signing the passkey challenge with the software passkey 'Terminal key'", screen, StringComparison.Ordinal);
        Assert.Contains("Signed in as Test User", screen, StringComparison.Ordinal);
        Assert.Contains(userId, screen, StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ pwd, swk, user, pin, mfa", screen);
        Assert.Equal(1, JsonDocument.Parse(await File.ReadAllTextAsync(_state)).RootElement.GetProperty("passkeys")[0].GetProperty("counter").GetInt32());
    }

    [Fact]
    public async Task Login_FlowPasskeyWithoutUsername_AsksNothingAndSignsIn()
    {
        var (userId, _) = await UserWithPasskeyAsync();
        var client = await fixture.Server.RegisterClientAsync(["urn:okta:params:oauth:grant-type:webauthn", "refresh_token"]);
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --flow passkey --authenticator-state '{_state}'");

        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("Username:", screen, StringComparison.Ordinal);
        Assert.Contains("Signed in as Test User", screen, StringComparison.Ordinal);
        Assert.Contains(userId, screen, StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ swk, user, pin, mfa", screen);
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.True(status == 200, $"{response.RequestMessage?.RequestUri}: {status} {body}");
        return body;
    }
}
