using System.Text.Json;
using DirectAuth.Client.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// <c>directauth login</c> through the multifactor and out-of-band flows, in a terminal, against the Okta replay
/// server: the menu of factors, the number to tap, codes typed (and mistyped), denial, expiry and Ctrl+C.
/// </summary>
public sealed class LoginReplayTerminalTests : ReplayTest
{
    private const string FastPush =
        """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-oob","oob_code":"ftyP7pAi17dEc-zQFsBFjXVKw4HzH0yIMn","channel":"push","binding_method":"transfer","binding_code":"95","expires_in":300,"interval":1}""";

    private string Args(string extra) => $"login --issuer {Server.Issuer} --client-id {ReplayServer.ClientId} {extra}";

    [Fact]
    public async Task Login_MfaPushWithNumberChallenge_MenuThenNumberThenSignedIn()
    {
        Server.Reply("token", 403, OktaAnswers.MfaRequired);
        Server.Reply("challenge", 200, FastPush);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 200, Server.TokenResponse());
        using var terminal = Terminal.Start(Args("--username ada@example.com"));

        await terminal.WaitForAsync("Password:");
        terminal.Type("correct horse");
        terminal.Press("Enter");
        var menu = await terminal.WaitForAllAsync("How do you want to verify?", "Code from my authenticator app", "Text message (SMS)", "Voice call");
        terminal.Press("Down");
        await terminal.WaitForAsync("> Push to my authenticator app");
        terminal.Press("Enter");
        var waiting = await terminal.WaitForAsync("tap 95");
        Assert.Equal(0, await terminal.ExitCodeAsync());
        var done = terminal.Screen();

        Assert.Contains("Code from my authenticator app", menu, StringComparison.Ordinal);
        Assert.Contains("Text message (SMS)", menu, StringComparison.Ordinal);
        Assert.Contains("Voice call", menu, StringComparison.Ordinal);
        Assert.DoesNotContain("Recovery code", menu, StringComparison.Ordinal);
        Assert.Contains("Number challenge", waiting, StringComparison.Ordinal);
        Assert.Contains("Signed in as Ada Lovelace", done, StringComparison.Ordinal);
        Assert.Contains(ReplayServer.Subject, done, StringComparison.Ordinal);
        Assert.Equal("correct horse", Server.RequestsTo("token")[0]["password"]);
        Assert.Equal("push", Server.RequestsTo("challenge")[0]["channel_hint"]);
        Assert.Equal(4, Server.RequestsTo("token").Count);
    }

    [Fact]
    public async Task Login_PushWrongNumberPicked_SaysDeniedAndExitsTwo()
    {
        Server.Reply("primary-authenticate", 200,
            """{"oob_code":"oob-1","expires_in":300,"interval":1,"channel":"push","binding_method":"transfer","binding_code":"42"}""");
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 400, OktaAnswers.WrongNumber);
        using var terminal = Terminal.Start(Args("--flow push --username ada@example.com"));

        await terminal.WaitForAsync("tap 42");
        Assert.Equal(2, await terminal.ExitCodeAsync());
        var screen = terminal.Screen();

        Assert.Contains("Sign-in denied", screen, StringComparison.Ordinal);
        Assert.Contains("The user selected the wrong number.", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_PushNeverAnswered_SaysExpiredAndExitsThree()
    {
        Server.Reply("primary-authenticate", 200, """{"oob_code":"oob-1","expires_in":2,"interval":1,"channel":"push","binding_method":"none"}""");
        for (var i = 0; i < 5; i++) Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        using var terminal = Terminal.Start(Args("--flow push --username ada@example.com"));

        await terminal.WaitForAsync("Approve it on your phone");
        await terminal.WaitForAsync("Sign-in expired");

        Assert.Equal(3, await terminal.ExitCodeAsync());
    }

    [Fact]
    public async Task Login_CtrlCWhileWaitingForPush_CancelledExit130()
    {
        // A long interval: Ctrl+C comes while the app waits to poll, so no poll is sent.
        Server.Reply("primary-authenticate", 200,
            """{"oob_code":"oob-1","expires_in":300,"interval":60,"channel":"push","binding_method":"transfer","binding_code":"95"}""");
        using var terminal = Terminal.Start(Args("--flow push --username ada@example.com"));

        await terminal.WaitForAsync("tap 95");
        terminal.Press("C-c");

        Assert.Equal(130, await terminal.ExitCodeAsync());
        Assert.Empty(Server.RequestsTo("token"));
    }

    [Fact]
    public async Task Login_SmsCodeMistypedThenRight_AsksAgainAndSignsIn()
    {
        Server.Reply("primary-authenticate", 200, OktaAnswers.PrimarySms);
        Server.Reply("token", 400, OktaAnswers.WrongOtp);
        Server.Reply("token", 200, Server.TokenResponse());
        using var terminal = Terminal.Start(Args("--flow sms --username ada@example.com"));

        var asked = await terminal.WaitForAsync("Code from the text message:");
        terminal.Type("111111");
        terminal.Press("Enter");
        await terminal.WaitForAsync("Wrong code:");
        terminal.Type("482 913");
        terminal.Press("Enter");
        await terminal.WaitForAsync("Signed in as Ada Lovelace");

        Assert.Equal(0, await terminal.ExitCodeAsync());
        Assert.Equal("sms", Server.RequestsTo("primary-authenticate")[0]["channel_hint"]);
        Assert.Contains("A code was sent to your phone (sms).", asked, StringComparison.Ordinal);   // Okta names no destination
        Assert.Equal(["111111", "482913"], Server.RequestsTo("token").Select(r => r["binding_code"]));
    }

    [Fact]
    public async Task Login_MfaOtpTyped_SignsInWithMfaOtpGrant()
    {
        Server.Reply("token", 403, OktaAnswers.MfaRequired);
        Server.Reply("token", 200, Server.TokenResponse());
        using var terminal = Terminal.Start(Args("--username ada@example.com --factor otp"));

        await terminal.WaitForAsync("Password:");
        terminal.Type("correct horse");
        terminal.Press("Enter");
        await terminal.WaitForAsync("Code from your authenticator app:");
        terminal.Type("123456");
        terminal.Press("Enter");
        await terminal.WaitForAsync("Signed in as Ada Lovelace");

        Assert.Equal(0, await terminal.ExitCodeAsync());
        Assert.Equal("http://auth0.com/oauth/grant-type/mfa-otp", Server.RequestsTo("token")[1]["grant_type"]);
        Assert.Equal("123456", Server.RequestsTo("token")[1]["otp"]);
    }

    [Fact]
    public async Task Login_JsonOtpFlowWithFlag_SignsInWithoutPrompts()
    {
        Server.Reply("token", 200, Server.TokenResponse());

        var result = await CliProcess.RunAsync(null, "login", "--issuer", Server.Issuer, "--client-id", ReplayServer.ClientId,
            "--flow", "otp", "--username", "ada@example.com", "--otp", "123456", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("signed_in", JsonDocument.Parse(result.Stdout).RootElement.GetProperty("status").GetString());
        Assert.Equal("urn:okta:params:oauth:grant-type:otp", Server.RequestsTo("token")[0]["grant_type"]);
        Assert.Equal("ada@example.com", Server.RequestsTo("token")[0]["login_hint"]);
    }

    [Fact]
    public async Task Login_JsonVoiceCodeExpired_ExpiredExitCode()
    {
        Server.Reply("primary-authenticate", 200, OktaAnswers.PrimaryVoice);
        Server.Reply("token", 403, OktaAnswers.ExpiredOobCode);

        var result = await CliProcess.RunAsync(null, "login", "--issuer", Server.Issuer, "--client-id", ReplayServer.ClientId,
            "--flow", "voice", "--username", "ada@example.com", "--otp", "482913", "--json");

        Assert.Equal(3, result.ExitCode);
        var root = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("expired", root.GetProperty("status").GetString());
        Assert.Equal(403, root.GetProperty("error").GetProperty("status_code").GetInt32());
        Assert.Equal("voice", Server.RequestsTo("primary-authenticate")[0]["channel_hint"]);
    }

    [Fact]
    public async Task Login_JsonOktaServerError_ErrorExitCodeWithErrorId()
    {
        Server.Reply("token", 500, OktaAnswers.Okta500);

        var result = await CliProcess.RunAsync("pw", "login", "--issuer", Server.Issuer, "--client-id", ReplayServer.ClientId,
            "--username", "ada@example.com", "--password-stdin", "--json");

        Assert.Equal(1, result.ExitCode);
        var error = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("error");
        Assert.Equal("ServerError", error.GetProperty("kind").GetString());
        Assert.Equal("oae3sGX6ZcgTvWnlQ5Y9Dplaw", error.GetProperty("error_id").GetString());
    }
}
