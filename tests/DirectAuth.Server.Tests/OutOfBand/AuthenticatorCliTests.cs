using System.Text.Json;
using DirectAuth.Server.Tests.OutOfBand.Processes;
using static DirectAuth.Server.Tests.OutOfBand.Processes.ProcessSteps;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>
/// <c>directauth authenticator</c> as a real process against the real server process: the user's phone in
/// the seed flows. Activation, scripted answers, reconnecting after the server restarts, TOTP codes.
/// </summary>
public sealed class AuthenticatorCliTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private ServerProcess Server => fixture.Server;

    private async Task<(string Login, string State)> ActivatedUserAsync(string login)
    {
        var (_, link) = await UserWithPushEnrollmentAsync(Server, login);
        var state = fixture.NewStateFile();
        var (code, output) = await CliAsync("authenticator", "activate", link, "--state", state, "--name", "e2e phone");
        Assert.True(code == 0, output);
        Assert.Contains($"Activated push for {login}", output, StringComparison.Ordinal);
        return (login, state);
    }

    private static JsonElement Json(string line) => JsonDocument.Parse(line).RootElement.Clone();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Cli_Activate_StateFileReadableOnlyByTheUser()
    {
        var (login, state) = await ActivatedUserAsync("cli-activate@example.com");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(state)!));
        var saved = JsonDocument.Parse(await File.ReadAllTextAsync(state)).RootElement;
        Assert.Equal(login, saved.GetProperty("push")[0].GetProperty("login").GetString());
        Assert.Equal(Server.Url, saved.GetProperty("push")[0].GetProperty("server").GetString());
        var (code, accounts) = await CliAsync("authenticator", "accounts", "--state", state);
        Assert.Equal(0, code);
        Assert.Contains($"push  {login}  {Server.Url}", accounts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_ActivateWithUsedCode_Fails()
    {
        var (_, link) = await UserWithPushEnrollmentAsync(Server, "cli-reuse@example.com");
        Assert.Equal(0, (await CliAsync("authenticator", "activate", link, "--state", fixture.NewStateFile())).ExitCode);

        var (code, output) = await CliAsync("authenticator", "activate", link, "--state", fixture.NewStateFile());

        Assert.Equal(1, code);
        Assert.Contains("Activation failed: 400", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_ListenApproveNext_PushSignInCompletes()
    {
        var clientId = await PushAppAsync(Server, "never");
        var (login, state) = await ActivatedUserAsync("cli-approve@example.com");
        await using var phone = StartCli("authenticator", "listen", "--approve-next", "--once", "--json", "--timeout", "60", "--state", state);
        await phone.WaitForLineAsync(l => l.Contains("\"connected\"", StringComparison.Ordinal));

        var (_, started) = await StartPushAsync(Server, clientId, login);
        var push = Json(await phone.WaitForLineAsync(l => l.Contains("\"push\"", StringComparison.Ordinal)));
        var answered = Json(await phone.WaitForLineAsync(l => l.Contains("\"answered\"", StringComparison.Ordinal)));

        Assert.Equal("E2E app", push.GetProperty("appName").GetString());
        Assert.Equal("127.0.0.1", push.GetProperty("ipAddress").GetString());
        Assert.Equal("none", push.GetProperty("challenge").GetString());
        Assert.Equal("APPROVED", answered.GetProperty("status").GetString());
        Assert.Equal(0, await phone.WaitForExitAsync());
        var (status, tokens) = await PollAsync(Server, clientId, started.GetProperty("oob_code").GetString()!);
        Assert.Equal(200, status);
        Assert.True(tokens.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task Cli_ListenPick_NumberChallengeRightAndWrong()
    {
        var clientId = await PushAppAsync(Server, "always");
        var (login, state) = await ActivatedUserAsync("cli-pick@example.com");

        var (_, right) = await StartPushAsync(Server, clientId, login);
        var bindingCode = right.GetProperty("binding_code").GetString()!;
        var (rightExit, rightOutput) = await CliAsync("authenticator", "listen", "--pick", bindingCode, "--once", "--json", "--timeout", "60", "--state", state);
        Assert.True(rightExit == 0, rightOutput);
        Assert.Contains($"\"numbers\":[", rightOutput, StringComparison.Ordinal);
        Assert.Equal(200, (await PollAsync(Server, clientId, right.GetProperty("oob_code").GetString()!)).Status);

        var (_, wrong) = await StartPushAsync(Server, clientId, login);
        var wrongCode = wrong.GetProperty("binding_code").GetString() == "10" ? "11" : "10";
        var (wrongExit, wrongOutput) = await CliAsync("authenticator", "listen", "--pick", wrongCode, "--once", "--json", "--timeout", "60", "--state", state);
        Assert.True(wrongExit == 2, wrongOutput);
        Assert.Contains("\"reason\":\"WRONG_NUMBER\"", wrongOutput, StringComparison.Ordinal);
        var (status, denied) = await PollAsync(Server, clientId, wrong.GetProperty("oob_code").GetString()!);
        Assert.Equal((400, "access_denied"), (status, denied.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Cli_NotMeNext_DeniedAndReported()
    {
        var clientId = await PushAppAsync(Server, "never");
        var (login, state) = await ActivatedUserAsync("cli-notme@example.com");
        var (_, started) = await StartPushAsync(Server, clientId, login);

        var (exit, output) = await CliAsync("authenticator", "listen", "--not-me-next", "--once", "--json", "--timeout", "60", "--state", state);

        Assert.True(exit == 0, output);
        Assert.Contains("\"reason\":\"NOT_ME\"", output, StringComparison.Ordinal);
        Assert.Equal(400, (await PollAsync(Server, clientId, started.GetProperty("oob_code").GetString()!)).Status);
    }

    [Fact]
    public async Task Cli_ServerRestartsWhileListening_ReconnectsAndGetsThePush()
    {
        var clientId = await PushAppAsync(Server, "never");
        var (login, state) = await ActivatedUserAsync("cli-reconnect@example.com");
        await using var phone = StartCli("authenticator", "listen", "--approve-next", "--once", "--json", "--timeout", "90", "--state", state);
        await phone.WaitForLineAsync(l => l.Contains("\"connected\"", StringComparison.Ordinal));

        await Server.RestartAsync();
        await phone.WaitForLineAsync(l => l.Contains("\"disconnected\"", StringComparison.Ordinal));
        var reconnected = Json(await phone.WaitForLineAsync(l => l.Contains("\"connected\"", StringComparison.Ordinal), 60));
        var (_, started) = await StartPushAsync(Server, clientId, login);

        Assert.False(reconnected.GetProperty("resumed").GetBoolean());
        Assert.Contains("APPROVED", await phone.WaitForLineAsync(l => l.Contains("\"answered\"", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(0, await phone.WaitForExitAsync());
        Assert.Equal(200, (await PollAsync(Server, clientId, started.GetProperty("oob_code").GetString()!)).Status);
    }

    [Fact]
    public async Task Cli_ListenWithoutPush_TimesOutWithExitCode3()
    {
        var (_, state) = await ActivatedUserAsync("cli-timeout@example.com");

        var (exit, output) = await CliAsync("authenticator", "listen", "--approve-next", "--once", "--json", "--timeout", "2", "--state", state);

        Assert.True(exit == 3, output);
    }

    [Fact]
    public async Task Cli_TotpCodes_MatchOathtool()
    {
        var state = fixture.NewStateFile();
        const string secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        var (added, addOutput) = await CliAsync("authenticator", "add-totp", $"otpauth://totp/DirectAuth:ada%40example.com?secret={secret}&issuer=DirectAuth", "--state", state);
        Assert.True(added == 0, addOutput);

        for (var attempt = 0; ; attempt++)
        {
            var before = DateTimeOffset.UtcNow;
            var (code, output) = await CliAsync("authenticator", "codes", "--json", "--state", state);
            var after = DateTimeOffset.UtcNow;
            Assert.True(code == 0, output);
            if (before.ToUnixTimeSeconds() / 30 != after.ToUnixTimeSeconds() / 30 && attempt < 3) continue; // crossed a step boundary
            var line = Json(output.Split('\n').Single(l => l.StartsWith('{')));
            Assert.Equal("ada@example.com", line.GetProperty("account").GetString());
            Assert.Equal("DirectAuth", line.GetProperty("issuer").GetString());
            Assert.Equal(Totp.OathTool.Totp(secret, before, "sha1", 6), line.GetProperty("code").GetString());
            break;
        }
    }

    [Theory]
    [InlineData("https://example.com/?secret=JBSWY3DPEHPK3PXP")]
    [InlineData("otpauth://totp/x?issuer=y")]
    [InlineData("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=12")]
    [InlineData("otpauth://totp/x?secret=not*base32")]
    public async Task Cli_AddTotpWithBadUri_FailsAndStoresNothing(string uri)
    {
        var state = fixture.NewStateFile();

        var (code, output) = await CliAsync("authenticator", "add-totp", uri, "--state", state);

        Assert.Equal(1, code);
        Assert.Contains("Not a usable otpauth URI", output, StringComparison.Ordinal);
        Assert.False(File.Exists(state));
    }
    [Fact]
    public async Task Cli_AddTotpSameLabelTwice_RefusedUnlessReplace()
    {
        var state = fixture.NewStateFile();
        const string first = "otpauth://totp/DirectAuth:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=DirectAuth";
        const string second = "otpauth://totp/DirectAuth:ada%40example.com?secret=KRSXG5CTMVRXEZLU&issuer=DirectAuth";
        var (added, addOutput) = await CliAsync("authenticator", "add-totp", first, "--state", state);
        Assert.True(added == 0, addOutput);

        var (refused, refusedOutput) = await CliAsync("authenticator", "add-totp", second, "--state", state);
        var kept = JsonDocument.Parse(await File.ReadAllTextAsync(state)).RootElement.GetProperty("totp");
        var (replaced, replacedOutput) = await CliAsync("authenticator", "add-totp", second, "--replace", "--state", state);
        var now = JsonDocument.Parse(await File.ReadAllTextAsync(state)).RootElement.GetProperty("totp");

        Assert.Equal(1, refused);
        Assert.Contains("There is already a TOTP account DirectAuth: ada@example.com", refusedOutput, StringComparison.Ordinal);
        Assert.Contains("--replace", refusedOutput, StringComparison.Ordinal);
        Assert.Equal("JBSWY3DPEHPK3PXP", kept.EnumerateArray().Single().GetProperty("secret").GetString());
        Assert.True(replaced == 0, replacedOutput);
        Assert.Contains("Replaced TOTP account", replacedOutput, StringComparison.Ordinal);
        Assert.Equal("KRSXG5CTMVRXEZLU", now.EnumerateArray().Single().GetProperty("secret").GetString());
    }

    [Fact]
    public async Task Cli_ListenPiped_PlainTextNotWrappedAt80Columns()
    {
        var (login, state) = await ActivatedUserAsync("cli-piped-listener-with-a-rather-long-login@example.com");
        var terminalLike = new Dictionary<string, string> { ["TERM"] = "xterm-256color" };

        await using var cli = RunningProcess.StartDotnet(Built.CliDll, ["authenticator", "listen", "--once", "--timeout", "2", "--state", state], terminalLike);
        await cli.WaitForExitAsync();

        Assert.Contains($"Listening for pushes to {login} on {Server.Url}. Ctrl+C to stop.", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', cli.Output);
    }
}
