using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Totp;
using static DirectAuth.Server.Tests.Mfa.MfaSteps;

namespace DirectAuth.Server.Tests.AdminCli;

/// <summary><c>directauth admin factors|policies|groups</c>, run as a process against a server on a loopback port.</summary>
public sealed class AdminMfaCommandsTests(CliServer server) : IClassFixture<CliServer>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("directauth-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<CliServer.Run> Cli(params string[] args) => server.DirectAuthAsync(_dir, args);

    private static void AssertOk(CliServer.Run run) => Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");

    [Fact]
    public async Task FactorsEnrollTotp_ShowsQrInTerminalAndWritesPngOfTheOtpauthUri()
    {
        await server.CreateUserAsync("cli-enroll@example.com");

        var run = await Cli("admin", "factors", "enroll-totp", "cli-enroll@example.com", "--png", "qr.png");

        AssertOk(run);
        var uri = Line(run.Output, "otpauth URI:");
        Assert.StartsWith("otpauth://totp/DirectAuth:cli-enroll%40example.com?secret=", uri, StringComparison.Ordinal);
        Assert.Contains('█', run.Output);
        Assert.Contains('▀', run.Output);
        var png = await File.ReadAllBytesAsync(Path.Combine(_dir, "qr.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.Equal(uri, ZbarDecode(Path.Combine(_dir, "qr.png")));
    }

    [Fact]
    public async Task FactorsActivate_WithOathtoolCode_ActiveAndRecoveryCodes_ThenSignInAsksForMfa()
    {
        await server.CreateUserAsync("cli-activate@example.com");
        var clientId = await server.RegisterClientAsync("password", MfaOtp);
        var enroll = await Cli("admin", "factors", "enroll-totp", "cli-activate@example.com");
        AssertOk(enroll);
        var factorId = Line(enroll.Output, "Factor:").Split(' ')[0];
        var secret = Line(enroll.Output, "Secret:").Split(' ')[0];
        Assert.True(File.Exists(Path.Combine(_dir, $"totp-{factorId}.png")));

        var wrong = await Cli("admin", "factors", "activate", "cli-activate@example.com", factorId, "000000" == OathTool.Totp(secret, server.Clock.GetUtcNow()) ? "111111" : "000000");
        var right = await Cli("admin", "factors", "activate", "cli-activate@example.com", factorId, OathTool.Totp(secret, server.Clock.GetUtcNow()));

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("E0000068", wrong.Error, StringComparison.Ordinal);
        AssertOk(right);
        Assert.Contains($"Factor {factorId} is ACTIVE.", right.Output, StringComparison.Ordinal);
        Assert.Equal(10, right.Output.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^  [0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$")));

        using var http = server.Anonymous();
        var response = await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = clientId, ["username"] = "cli-activate@example.com", ["password"] = ServerFixture.DefaultPassword, ["scope"] = "openid",
        }));
        Assert.Equal(403, (int)response.StatusCode);

        var list = await Cli("admin", "factors", "list", "cli-activate@example.com", "--json");
        AssertOk(list);
        Assert.Equal("ACTIVE", JsonDocument.Parse(list.Output).RootElement[0].GetProperty("status").GetString());
        var remaining = await Cli("admin", "factors", "recovery-codes", "cli-activate@example.com");
        AssertOk(remaining);
        Assert.Contains("10 unused recovery codes.", remaining.Output, StringComparison.Ordinal);
        var fresh = await Cli("admin", "factors", "recovery-codes", "cli-activate@example.com", "--new", "--json");
        AssertOk(fresh);
        Assert.Equal(10, JsonDocument.Parse(fresh.Output).RootElement.GetProperty("recoveryCodes").GetArrayLength());

        AssertOk(await Cli("admin", "factors", "delete", "cli-activate@example.com", factorId));
        var empty = await Cli("admin", "factors", "list", "cli-activate@example.com", "--json");
        Assert.Equal(0, JsonDocument.Parse(empty.Output).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Groups_CreateAddMembersRemoveDelete()
    {
        var userId = await server.CreateUserAsync("cli-group@example.com");

        AssertOk(await Cli("admin", "groups", "create", "Night Shift", "--description", "after hours"));
        AssertOk(await Cli("admin", "groups", "add", "night shift", "cli-group@example.com"));
        var members = await Cli("admin", "groups", "members", "Night Shift");
        var list = await Cli("admin", "groups", "list", "--q", "night");
        AssertOk(await Cli("admin", "groups", "remove", "Night Shift", userId));
        var after = await Cli("admin", "groups", "members", "Night Shift", "--json");
        var deleted = await Cli("admin", "groups", "delete", "Night Shift");
        var duplicate = await Cli("admin", "groups", "create", "Dupe");
        var duplicate2 = await Cli("admin", "groups", "create", "dupe");

        AssertOk(members);
        Assert.Contains($"{userId}  cli-group@example.com  ACTIVE", members.Output, StringComparison.Ordinal);
        Assert.Contains("after hours", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(after.Output).RootElement.GetArrayLength());
        AssertOk(deleted);
        AssertOk(duplicate);
        Assert.Equal(1, duplicate2.ExitCode);
        Assert.Contains("E0000001", duplicate2.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policies_GroupRuleAssignedToApp_SignInFollowsIt()
    {
        await server.CreateUserAsync("cli-policy@example.com");
        var clientId = await server.RegisterClientAsync("password", MfaOtp);
        AssertOk(await Cli("admin", "groups", "create", "Strict"));
        AssertOk(await Cli("admin", "groups", "add", "Strict", "cli-policy@example.com"));
        var created = await Cli("admin", "policies", "create", "CLI policy", "--json");
        AssertOk(created);
        var policyId = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;

        var rule = await Cli("admin", "policies", "rules", "add", policyId, "--name", "Strict needs MFA", "--priority", "1", "--group", "Strict",
            "--second-factor", "required", "--second-factors", "otp", "--number-challenge", "always");
        AssertOk(rule);
        AssertOk(await Cli("admin", "policies", "assign", clientId, policyId));
        var app = await Cli("admin", "policies", "app", clientId, "--user", "cli-policy@example.com");

        AssertOk(app);
        Assert.Contains("Strict needs MFA", app.Output, StringComparison.Ordinal);
        Assert.Contains("required", rule.Output, StringComparison.Ordinal);
        using var http = server.Anonymous();
        var response = await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = clientId, ["username"] = "cli-policy@example.com", ["password"] = ServerFixture.DefaultPassword, ["scope"] = "openid",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("access_denied", body.GetProperty("error").GetString());

        var ruleId = JsonDocument.Parse((await Cli("admin", "policies", "show", policyId, "--json")).Output).RootElement
            .GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString()!;
        AssertOk(await Cli("admin", "policies", "rules", "update", policyId, ruleId, "--second-factor", "none"));
        var now = await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = clientId, ["username"] = "cli-policy@example.com", ["password"] = ServerFixture.DefaultPassword, ["scope"] = "openid",
        }));
        Assert.Equal(200, (int)now.StatusCode);

        var inUse = await Cli("admin", "policies", "delete", policyId);
        Assert.Equal(1, inUse.ExitCode);
        AssertOk(await Cli("admin", "policies", "assign", clientId, "default"));
        AssertOk(await Cli("admin", "policies", "rules", "delete", policyId, ruleId));
        AssertOk(await Cli("admin", "policies", "delete", policyId));
        var list = await Cli("admin", "policies", "list");
        Assert.DoesNotContain(policyId, list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policies_BadRuleValue_ExitOneWithTheServersReason()
    {
        var run = await Cli("admin", "policies", "rules", "add", "default", "--name", "bad", "--primary", "retina");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("primaryFactors: one or more of password, otp, oob:push, oob:sms, oob:voice", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WithoutToken_ExitOneAndSaysSo()
    {
        var run = await server.DirectAuthAsync(_dir, null, "admin", "groups", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No admin token", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WrongToken_ExitOneWithE0000011()
    {
        var run = await server.DirectAuthAsync(_dir, "not-the-token-0000000000", "admin", "policies", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("E0000011", run.Error, StringComparison.Ordinal);
    }

    private static string Line(string output, string label) =>
        output.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();

    /// <summary>Decodes a QR code image with zbarimg (Debian zbar-tools, installed by scripts/install-deps).</summary>
    private static string ZbarDecode(string png)
    {
        var start = new ProcessStartInfo("zbarimg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-q", "--raw", png }) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("zbarimg did not start; run scripts/install-deps.");
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text.TrimEnd('\n');
    }
}
