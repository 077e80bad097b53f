using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests;

/// <summary>
/// The software passkey end to end, as processes against the real server on a loopback port with no Passkeys
/// settings (RP id and origin are the server's own: 127.0.0.1 and its URL): <c>authenticator passkey register</c>
/// through the Factors API, <c>login --flow passkey</c> with and without a username, the password then the passkey,
/// <c>passkey sign</c> for curl, <c>admin factors</c>, and the failures.
/// </summary>
public sealed class PasskeyCliTests(CliServer server) : IClassFixture<CliServer>, IDisposable
{
    private const string Password = "correct horse battery staple";
    private const string Webauthn = "urn:okta:params:oauth:grant-type:webauthn";
    private const string MfaWebauthn = "urn:okta:params:oauth:grant-type:mfa-webauthn";
    private const string Aaguid = "08fc0c68-688e-455e-b7f0-4006f0e2b28c";
    private readonly string _dir = Directory.CreateTempSubdirectory("directauth-cli-passkey-").FullName;

    private string State => Path.Combine(_dir, "authenticator.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOk(CliResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    private Task<CliResult> Cli(params string[] args) => CliProcess.RunAsync(server, args);

    private Task<CliResult> Register(string login, params string[] extra) =>
        Cli(["authenticator", "passkey", "register", "--user", login, "--state", State, .. extra]);

    private Task<CliResult> Login(string clientId, params string[] extra) =>
        Cli(["login", "--client-id", clientId, "--authenticator-state", State, "--json", .. extra]);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    private static string[] Amr(JsonElement login) => login.GetProperty("claims").GetProperty("amr").EnumerateArray().Select(a => a.GetString()!).ToArray();

    private JsonElement SavedPasskey(int index = 0) => JsonDocument.Parse(File.ReadAllText(State)).RootElement.GetProperty("passkeys")[index];

    [Fact]
    public async Task Register_ThenLoginFlowPasskeyWithUsername_SignedInAsTheUser_CounterSaved_FactorListedWithNameAndAaguid()
    {
        var userId = await CreateUserAsync("pk-primary@example.com");
        var clientId = await RegisterClientAsync(Webauthn, "password");

        var register = await Register("pk-primary@example.com", "--name", "Work laptop");
        var login = await Login(clientId, "--flow", "passkey", "--username", "pk-primary@example.com");
        var list = await server.AdminAsync("factors", "list", "pk-primary@example.com");

        AssertOk(register);
        Assert.Contains("Registered passkey 'Work laptop' for pk-primary@example.com (RP id 127.0.0.1", register.Stdout, StringComparison.Ordinal);
        AssertOk(login);
        var json = Json(login.Stdout);
        Assert.Equal("signed_in", json.GetProperty("status").GetString());
        Assert.Equal(userId, json.GetProperty("subject").GetString());
        Assert.Contains("swk", Amr(json));
        Assert.Contains("pin", Amr(json));
        Assert.Contains("phr", json.GetProperty("claims").GetProperty("acr").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, SavedPasskey().GetProperty("counter").GetInt32());
        Assert.Equal("127.0.0.1", SavedPasskey().GetProperty("rpId").GetString());
        Assert.Equal(server.Url, SavedPasskey().GetProperty("origin").GetString());
        AssertOk(list);
        var row = list.Stdout.Split('\n').Single(l => l.Contains("webauthn", StringComparison.Ordinal));
        Assert.Contains("FIDO", row, StringComparison.Ordinal);
        Assert.Contains("ACTIVE", row, StringComparison.Ordinal);
        Assert.Contains("Work laptop", row, StringComparison.Ordinal);
        Assert.Contains(Aaguid, row, StringComparison.Ordinal);
        Assert.Contains(SavedPasskey().GetProperty("factorId").GetString()!, row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginFlowPasskey_WithoutUsername_DiscoverableSignIn_TwiceWithTheCounterGoingUp()
    {
        var userId = await CreateUserAsync("pk-discoverable@example.com");
        var clientId = await RegisterClientAsync(Webauthn);
        AssertOk(await Register("pk-discoverable@example.com", "--attestation", "packed"));

        var first = await Login(clientId, "--flow", "passkey");
        var second = await Login(clientId, "--flow", "passkey");

        AssertOk(first);
        AssertOk(second);
        Assert.Equal(userId, Json(first.Stdout).GetProperty("subject").GetString());
        Assert.Equal(userId, Json(second.Stdout).GetProperty("subject").GetString());
        Assert.Equal(2, SavedPasskey().GetProperty("counter").GetInt32());
    }

    [Fact]
    public async Task PasswordThenPasskey_FactorPasskey_SignedInWithBothFactors()
    {
        var userId = await CreateUserAsync("pk-mfa@example.com");
        var clientId = await RegisterClientAsync("password", MfaWebauthn);
        AssertOk(await Register("pk-mfa@example.com"));

        var login = await CliProcess.RunAsync(server, ["login", "--client-id", clientId, "--authenticator-state", State, "--json",
            "--username", "pk-mfa@example.com", "--password-stdin", "--factor", "passkey"], stdin: Password + "\n");

        AssertOk(login);
        var json = Json(login.Stdout);
        Assert.Equal(userId, json.GetProperty("subject").GetString());
        Assert.Contains("pwd", Amr(json));
        Assert.Contains("swk", Amr(json));
        Assert.Contains("mfa", Amr(json));
        Assert.Equal(1, SavedPasskey().GetProperty("counter").GetInt32());
    }

    [Fact]
    public async Task PasskeySign_AnswersTheChallengeOnStdin_ForCurl_AndTheTokenEndpointTakesIt()
    {
        var userId = await CreateUserAsync("pk-sign@example.com");
        var clientId = await RegisterClientAsync(Webauthn);
        AssertOk(await Register("pk-sign@example.com"));
        using var http = server.Http();
        var challenge = await http.PostAsync("/oauth2/default/v1/primary-authenticate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["challenge_hint"] = Webauthn, ["login_hint"] = "pk-sign@example.com",
        }));
        var challengeJson = await challenge.Content.ReadAsStringAsync();

        var sign = await CliProcess.RunAsync(server, ["authenticator", "passkey", "sign", "--state", State], stdin: challengeJson);
        AssertOk(sign);
        var assertion = Json(sign.Stdout);
        var (status, body) = await server.TokenAsync(null, ("grant_type", Webauthn), ("client_id", clientId), ("scope", "openid"),
            ("clientDataJSON", assertion.GetProperty("clientDataJSON").GetString()!),
            ("authenticatorData", assertion.GetProperty("authenticatorData").GetString()!),
            ("signature", assertion.GetProperty("signature").GetString()!),
            ("userHandle", assertion.GetProperty("userHandle").GetString()!));
        var replay = await server.TokenAsync(null, ("grant_type", Webauthn), ("client_id", clientId), ("scope", "openid"),
            ("clientDataJSON", assertion.GetProperty("clientDataJSON").GetString()!),
            ("authenticatorData", assertion.GetProperty("authenticatorData").GetString()!),
            ("signature", assertion.GetProperty("signature").GetString()!),
            ("userHandle", assertion.GetProperty("userHandle").GetString()!));

        Assert.Equal(200, (int)challenge.StatusCode);
        Assert.Equal(SavedPasskey().GetProperty("credentialId").GetString(), assertion.GetProperty("credentialId").GetString());
        Assert.Equal(200, status);
        Assert.True(body.TryGetProperty("id_token", out _), body.ToString());
        Assert.Equal(403, replay.Status);
        Assert.Equal("access_denied", replay.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task LoginFlowPasskey_NoPasskeyInTheStateFile_Exit1AndSaysHowToRegister()
    {
        await CreateUserAsync("pk-none@example.com");
        var clientId = await RegisterClientAsync(Webauthn);

        var login = await Login(clientId, "--flow", "passkey", "--username", "pk-none@example.com");

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("directauth authenticator passkey register", Json(login.Stdout).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginFlowPasskey_AnotherUsersLogin_TheLocalPasskeyIsNotOffered_Exit1()
    {
        await CreateUserAsync("pk-owner@example.com");
        await CreateUserAsync("pk-other@example.com");
        var clientId = await RegisterClientAsync(Webauthn);
        AssertOk(await Register("pk-owner@example.com"));

        var login = await Login(clientId, "--flow", "passkey", "--username", "pk-other@example.com");

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("None of the passkeys", Json(login.Stdout).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, SavedPasskey().GetProperty("counter").GetInt32());
    }

    [Fact]
    public async Task LoginFlowPasskey_FactorDeletedOnTheServer_ServerRefusesTheAssertion_Exit2Denied()
    {
        await CreateUserAsync("pk-deleted@example.com");
        var clientId = await RegisterClientAsync(Webauthn);
        AssertOk(await Register("pk-deleted@example.com"));
        var factorId = SavedPasskey().GetProperty("factorId").GetString()!;
        AssertOk(await server.AdminAsync("factors", "delete", "pk-deleted@example.com", factorId));

        var login = await Login(clientId, "--flow", "passkey");

        Assert.Equal(2, login.ExitCode);
        var error = Json(login.Stdout).GetProperty("error");
        Assert.Equal("InvalidCredentials", error.GetProperty("kind").GetString());
        Assert.Equal("invalid_grant", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Register_WithAnOriginTheServerDoesNotAllow_RefusedExit1_AndNothingKept()
    {
        await CreateUserAsync("pk-origin@example.com");

        var register = await Register("pk-origin@example.com", "--origin", "https://evil.example");
        var list = await server.AdminAsync("factors", "list", "pk-origin@example.com", "--json");

        Assert.Equal(1, register.ExitCode);
        Assert.Contains("Passkey registration failed", register.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(State) && JsonDocument.Parse(File.ReadAllText(State)).RootElement.GetProperty("passkeys").GetArrayLength() > 0);
        Assert.Contains("(E0000001, HTTP 400)", register.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Json(list.Stdout).EnumerateArray(), f => f.GetProperty("factorType").GetString() == "webauthn");
    }

    [Fact]
    public async Task Register_UnknownUser_OrNoAdminToken_Refused()
    {
        var unknown = await Register("nobody-here@example.com");
        var noToken = await CliProcess.RunAsync(server, ["authenticator", "passkey", "register", "--user", "x@example.com", "--state", State], token: null);

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("Passkey registration failed", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, noToken.ExitCode);
        Assert.Contains("No admin token", noToken.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(State));
    }

    [Fact]
    public async Task PasskeyListAndRemove_ForgetsTheLocalPasskey_ThenLoginHasNone()
    {
        await CreateUserAsync("pk-remove@example.com");
        var clientId = await RegisterClientAsync(Webauthn);
        AssertOk(await Register("pk-remove@example.com", "--name", "Old key"));
        var credentialId = SavedPasskey().GetProperty("credentialId").GetString()!;

        var list = await Cli("authenticator", "passkey", "list", "--state", State);
        var remove = await Cli("authenticator", "passkey", "remove", credentialId, "--state", State);
        var again = await Cli("authenticator", "passkey", "remove", credentialId, "--state", State);
        var login = await Login(clientId, "--flow", "passkey", "--username", "pk-remove@example.com");

        AssertOk(list);
        Assert.Contains($"passkey  pk-remove@example.com  {server.Url}  rp 127.0.0.1  'Old key'", list.Stdout, StringComparison.Ordinal);
        AssertOk(remove);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(1, login.ExitCode);
        Assert.Contains("no passkey in the authenticator's state file", Json(login.Stdout).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminFactorsDelete_OneOfTwoPasskeys_TheOtherStillSignsIn()
    {
        // Two devices (two state files): one authenticator refuses a second credential for the same user (excludeCredentials).
        var userId = await CreateUserAsync("pk-two@example.com");
        var clientId = await RegisterClientAsync(Webauthn);
        var otherDevice = Path.Combine(_dir, "other-device.json");
        AssertOk(await Register("pk-two@example.com", "--name", "First"));
        var sameDevice = await Register("pk-two@example.com", "--name", "Again");
        AssertOk(await Cli("authenticator", "passkey", "register", "--user", "pk-two@example.com", "--name", "Second", "--state", otherDevice));
        var first = SavedPasskey().GetProperty("factorId").GetString()!;

        var listed = await server.AdminAsync("factors", "list", "pk-two@example.com");
        AssertOk(await server.AdminAsync("factors", "delete", "pk-two@example.com", first));
        var deleted = await Login(clientId, "--flow", "passkey", "--username", "pk-two@example.com");
        var other = await Cli("login", "--client-id", clientId, "--authenticator-state", otherDevice, "--json", "--flow", "passkey", "--username", "pk-two@example.com");

        Assert.Equal(1, sameDevice.ExitCode);
        Assert.Contains("excludeCredentials", sameDevice.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, listed.Stdout.Split('\n').Count(l => l.Contains(Aaguid, StringComparison.Ordinal)));
        Assert.Contains("First", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("Second", listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Again", listed.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, deleted.ExitCode);
        Assert.Contains("None of the passkeys", Json(deleted.Stdout).GetProperty("message").GetString(), StringComparison.Ordinal);
        AssertOk(other);
        Assert.Equal(userId, Json(other.Stdout).GetProperty("subject").GetString());
    }

    private async Task<string> CreateUserAsync(string login)
    {
        using var http = server.Http(admin: true);
        var response = await http.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login, firstName = "Pass", lastName = "Key" }, credentials = new { password = new { value = Password } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private async Task<string> RegisterClientAsync(params string[] grants)
    {
        using var http = server.Http(admin: true);
        // refresh_token too: `directauth login` asks for offline_access.
        var response = await http.PostAsJsonAsync("/oauth2/v1/clients", new { client_name = "cli passkey app", grant_types = grants.Append("refresh_token").Distinct() });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("client_id").GetString()!;
    }
}
