using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests;

/// <summary><c>directauth admin factors|policies|groups</c>, run as a process against the server on a loopback port.</summary>
public sealed class MfaAdminCliTests(CliServer server) : IClassFixture<CliServer>, IDisposable
{
    private const string Password = "correct horse battery staple";
    private const string MfaOtp = "http://auth0.com/oauth/grant-type/mfa-otp";
    private readonly string _dir = Directory.CreateTempSubdirectory("directauth-cli-mfa-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOk(CliResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    [Fact]
    public async Task FactorsEnrollTotp_ShowsQrInTerminalAndWritesPngOfTheOtpauthUri()
    {
        await CreateUserAsync("cli-enroll@example.com");
        var png = Path.Combine(_dir, "qr.png");

        var run = await server.AdminAsync("factors", "enroll-totp", "cli-enroll@example.com", "--png", png);

        AssertOk(run);
        var uri = Line(run.Stdout, "otpauth URI:");
        Assert.StartsWith("otpauth://totp/DirectAuth:cli-enroll%40example.com?secret=", uri, StringComparison.Ordinal);
        Assert.Contains('█', run.Stdout);
        Assert.Contains('▀', run.Stdout);
        Assert.Equal(png, Line(run.Stdout, "QR code PNG:"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, (await File.ReadAllBytesAsync(png))[..4]);
        Assert.Equal(uri, ZbarDecode(png));
    }

    [Fact]
    public async Task FactorsActivate_WithOathtoolCode_ActiveAndRecoveryCodes_ThenSignInAsksForMfa()
    {
        await CreateUserAsync("cli-activate@example.com");
        var clientId = await RegisterClientAsync("password", MfaOtp);
        var enroll = await server.AdminAsync("factors", "enroll-totp", "cli-activate@example.com", "--png", Path.Combine(_dir, "a.png"));
        AssertOk(enroll);
        var factorId = Line(enroll.Stdout, "Factor:").Split(' ')[0];
        var secret = Line(enroll.Stdout, "Secret:").Split(' ')[0];
        var code = Oathtool(secret);

        var wrong = await server.AdminAsync("factors", "activate", "cli-activate@example.com", factorId, code == "000000" ? "111111" : "000000");
        var right = await server.AdminAsync("factors", "activate", "cli-activate@example.com", factorId, code);

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("E0000068", wrong.Stderr, StringComparison.Ordinal);
        AssertOk(right);
        Assert.Contains($"Factor {factorId} is ACTIVE.", right.Stdout, StringComparison.Ordinal);
        Assert.Equal(10, right.Stdout.Split('\n').Count(l => Regex.IsMatch(l, "^  [0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$")));

        var (status, body) = await server.TokenAsync(null, ("grant_type", "password"), ("client_id", clientId),
            ("username", "cli-activate@example.com"), ("password", Password), ("scope", "openid"));
        Assert.Equal(403, status);
        Assert.Equal("mfa_required", body.GetProperty("error").GetString());

        var list = await server.AdminAsync("factors", "list", "cli-activate@example.com", "--json");
        AssertOk(list);
        Assert.Equal("ACTIVE", JsonDocument.Parse(list.Stdout).RootElement[0].GetProperty("status").GetString());
        var remaining = await server.AdminAsync("factors", "recovery-codes", "cli-activate@example.com");
        Assert.Contains("10 unused recovery codes.", remaining.Stdout, StringComparison.Ordinal);
        var fresh = await server.AdminAsync("factors", "recovery-codes", "cli-activate@example.com", "--new", "--json");
        AssertOk(fresh);
        Assert.Equal(10, JsonDocument.Parse(fresh.Stdout).RootElement.GetProperty("recoveryCodes").GetArrayLength());

        AssertOk(await server.AdminAsync("factors", "delete", "cli-activate@example.com", factorId));
        var empty = await server.AdminAsync("factors", "list", "cli-activate@example.com", "--json");
        Assert.Equal(0, JsonDocument.Parse(empty.Stdout).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Groups_CreateAddMembersRemoveDelete()
    {
        var userId = await CreateUserAsync("cli-group@example.com");

        AssertOk(await server.AdminAsync("groups", "create", "Night Shift", "--description", "after hours"));
        AssertOk(await server.AdminAsync("groups", "add", "night shift", "cli-group@example.com"));
        var members = await server.AdminAsync("groups", "members", "Night Shift");
        var list = await server.AdminAsync("groups", "list", "--q", "night");
        AssertOk(await server.AdminAsync("groups", "remove", "Night Shift", userId));
        var after = await server.AdminAsync("groups", "members", "Night Shift", "--json");
        var deleted = await server.AdminAsync("groups", "delete", "Night Shift");
        AssertOk(await server.AdminAsync("groups", "create", "Dupe"));
        var duplicate = await server.AdminAsync("groups", "create", "dupe");

        AssertOk(members);
        Assert.Matches($"{userId} +│ cli-group@example.com +│ ACTIVE", members.Stdout);
        Assert.Contains("after hours", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(after.Stdout).RootElement.GetArrayLength());
        AssertOk(deleted);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.StartsWith("Error: Api validation failed: name", duplicate.Stderr, StringComparison.Ordinal);
        Assert.Contains("E0000001", duplicate.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policies_GroupRuleAssignedToApp_SignInFollowsIt()
    {
        await CreateUserAsync("cli-policy@example.com");
        var clientId = await RegisterClientAsync("password", MfaOtp);
        AssertOk(await server.AdminAsync("groups", "create", "Strict"));
        AssertOk(await server.AdminAsync("groups", "add", "Strict", "cli-policy@example.com"));
        var created = await server.AdminAsync("policies", "create", "CLI policy", "--json");
        AssertOk(created);
        var policyId = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("id").GetString()!;

        var rule = await server.AdminAsync("policies", "rules", "add", policyId, "--name", "Strict needs MFA", "--priority", "1", "--group", "Strict",
            "--second-factor", "required", "--second-factors", "otp", "--number-challenge", "always");
        AssertOk(rule);
        AssertOk(await server.AdminAsync("policies", "assign", clientId, policyId));
        var app = await server.AdminAsync("policies", "app", clientId, "--user", "cli-policy@example.com");

        AssertOk(app);
        Assert.Contains("Strict needs MFA", app.Stdout, StringComparison.Ordinal);
        Assert.Contains("required", rule.Stdout, StringComparison.Ordinal);
        var denied = await SignInAsync(clientId, "cli-policy@example.com");
        Assert.Equal(400, denied.Status);
        Assert.Equal("access_denied", denied.Body.GetProperty("error").GetString());

        var ruleId = JsonDocument.Parse((await server.AdminAsync("policies", "show", policyId, "--json")).Stdout).RootElement
            .GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString()!;
        AssertOk(await server.AdminAsync("policies", "rules", "update", policyId, ruleId, "--second-factor", "none"));
        Assert.Equal(200, (await SignInAsync(clientId, "cli-policy@example.com")).Status);

        var inUse = await server.AdminAsync("policies", "delete", policyId);
        Assert.Equal(1, inUse.ExitCode);
        AssertOk(await server.AdminAsync("policies", "assign", clientId, "default"));
        AssertOk(await server.AdminAsync("policies", "rules", "delete", policyId, ruleId));
        AssertOk(await server.AdminAsync("policies", "delete", policyId));
        Assert.DoesNotContain(policyId, (await server.AdminAsync("policies", "list")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyRuleTables_ShowGroupNamesNotIds()
    {
        var group = await server.AdminAsync("groups", "create", "Weekend crew", "--json");
        AssertOk(group);
        var groupId = JsonDocument.Parse(group.Stdout).RootElement.GetProperty("id").GetString()!;
        var created = await server.AdminAsync("policies", "create", "Named groups", "--json");
        var policyId = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("id").GetString()!;

        var rule = await server.AdminAsync("policies", "rules", "add", policyId, "--name", "Weekend", "--priority", "1", "--group", "Weekend crew");
        var show = await server.AdminAsync("policies", "show", policyId);

        AssertOk(rule);
        AssertOk(show);
        foreach (var run in new[] { rule, show })
        {
            Assert.Contains("Weekend crew", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(groupId, run.Stdout, StringComparison.Ordinal);
        }
        var json = await server.AdminAsync("policies", "show", policyId, "--json");
        Assert.Contains(groupId, json.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sms", "+15550107001")]
    [InlineData("call", "+15550107002")]
    public async Task FactorsEnrollPhone_CodeSentToThePhone_ActivateWithIt_ListShowsTheNumber(string factorType, string phone)
    {
        var login = $"cli-{factorType}@example.com";
        await CreateUserAsync(login);

        var enroll = await server.AdminAsync("factors", $"enroll-{factorType}", login, phone);

        AssertOk(enroll);
        var factorId = Line(enroll.Stdout, "Factor:").Split(' ')[0];
        Assert.Contains($"to {phone}. Activate with it:", enroll.Stdout, StringComparison.Ordinal);
        var code = await server.AdminAsync("outbox", "--phone", phone, "--code");
        AssertOk(code);
        var activate = await server.AdminAsync("factors", "activate", login, factorId, code.Stdout.Trim());
        AssertOk(activate);
        Assert.Contains($"Factor {factorId} is ACTIVE.", activate.Stdout, StringComparison.Ordinal);
        var list = await server.AdminAsync("factors", "list", login);
        AssertOk(list);
        var row = list.Stdout.Split('\n').Single(l => l.Contains(factorId, StringComparison.Ordinal));
        Assert.Contains(phone, row, StringComparison.Ordinal);
        Assert.Contains("ACTIVE", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FactorsList_PhoneFactorEnrolledThroughTheApi_ShowsItsNumber()
    {
        var userId = await CreateUserAsync("cli-list-phone@example.com");
        using var http = server.Http(admin: true);
        var enrolled = await http.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new { factorType = "sms", provider = "OKTA", profile = new { phoneNumber = "+15550107003" } });
        Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());

        var list = await server.AdminAsync("factors", "list", "cli-list-phone@example.com");

        AssertOk(list);
        Assert.Contains("PHONE", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("+15550107003", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FactorsEnrollPush_QrAndLinkInTheTerminal_AppActivates_ListShowsTheDeviceName()
    {
        await CreateUserAsync("cli-push@example.com");

        var enroll = await server.AdminAsync("factors", "enroll-push", "cli-push@example.com");

        AssertOk(enroll);
        Assert.Contains('█', enroll.Stdout);
        Assert.Contains('▀', enroll.Stdout);
        var factorId = Line(enroll.Stdout, "Factor:").Split(' ')[0];
        var link = Line(enroll.Stdout, "Activation link:");
        Assert.StartsWith("directauth://push/activate?server=", link, StringComparison.Ordinal);
        var activate = await CliProcess.RunAsync(server, ["authenticator", "activate", link, "--name", "Test phone", "--state", Path.Combine(_dir, "phone.json")]);
        AssertOk(activate);
        var list = await server.AdminAsync("factors", "list", "cli-push@example.com");
        AssertOk(list);
        var row = list.Stdout.Split('\n').Single(l => l.Contains(factorId, StringComparison.Ordinal));
        Assert.Contains("Test phone", row, StringComparison.Ordinal);
        Assert.Contains("ACTIVE", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policies_BadRuleValue_ExitOneWithTheServersReason()
    {
        var run = await server.AdminAsync("policies", "rules", "add", "default", "--name", "bad", "--primary", "retina");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("primaryFactors: one or more of password, otp, oob:push, oob:sms, oob:voice", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoliciesRulesAdd_WithoutName_ExitOneBeforeAnyRequest()
    {
        var run = await server.AdminAsync("policies", "rules", "add", "default", "--primary", "password");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Error: --name is required for a new rule.", run.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task Factors_WithoutToken_Exit2()
    {
        var run = await CliProcess.RunAsync(server, ["admin", "factors", "list", "anyone@example.com"], token: null);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Error: No admin token: pass --token or set DIRECTAUTH_ADMIN_TOKEN.", run.Stderr.TrimEnd('\n'));
    }

    private async Task<string> CreateUserAsync(string login)
    {
        using var http = server.Http(admin: true);
        var response = await http.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login }, credentials = new { password = new { value = Password } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private async Task<string> RegisterClientAsync(params string[] grants)
    {
        using var http = server.Http(admin: true);
        var response = await http.PostAsJsonAsync("/oauth2/v1/clients", new { client_name = "cli mfa app", grant_types = grants });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("client_id").GetString()!;
    }

    private Task<(int Status, JsonElement Body)> SignInAsync(string clientId, string login) =>
        server.TokenAsync(null, ("grant_type", "password"), ("client_id", clientId), ("username", login), ("password", Password), ("scope", "openid"));

    private static string Line(string output, string label) =>
        output.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();

    /// <summary>The current TOTP code from oathtool (Debian package; scripts/install-deps installs it), an independent generator.</summary>
    private static string Oathtool(string secret) => Run("oathtool", "--totp", "-b", secret);

    /// <summary>Reads a QR code image with zbarimg (Debian zbar-tools; scripts/install-deps installs it).</summary>
    private static string ZbarDecode(string png) => Run("zbarimg", "-q", "--raw", png);

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start; run scripts/install-deps.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.TrimEnd('\n');
    }
}
