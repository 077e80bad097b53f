using System.Text.Json;
using System.Text.RegularExpressions;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Client.Tests.RealServer;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using DirectAuth.Server.Tests.Policies;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// <c>directauth login</c> through the out-of-band seed flows against the real server on a loopback port, in a
/// terminal: password then push with number challenge (000/001), SMS and voice as the primary factor (004), and
/// SMS picked from the menu as the second factor. The person reads the number on screen and taps it on their phone
/// (the authenticator device client), or reads the code the phone received (the outbox API) and types it.
/// </summary>
public sealed partial class LoginOobTerminalTests(LoopbackServerFixture fixture) : IClassFixture<LoopbackServerFixture>
{
    private static readonly string[] MfaGrants = ["password", "refresh_token", GrantTypes.MfaOob];

    private ServerFixture Server => fixture.Server;

    [GeneratedRegex(@"tap (\d{2,6})…")]
    private static partial Regex TapNumber();

    private string Args(string clientId, string extra) => $"login --issuer {fixture.Issuer} --client-id {clientId} {extra}";

    /// <summary>
    /// A user with an active phone factor. The code is sent by the loopback instance, whose clock is its own: it is
    /// brought level with the set-up instance's, so the enrollment text counts as more than 30 s ago there too.
    /// </summary>
    private async Task<PhoneKit.PhoneUser> PhoneUserAsync(string factorType)
    {
        var user = await PhoneKit.CreateUserAsync(Server, factorType);
        var lag = Server.Clock.GetUtcNow() - fixture.LoopbackClock.GetUtcNow();
        if (lag > TimeSpan.Zero) fixture.LoopbackClock.Advance(lag);
        return user;
    }

    [Fact]
    public async Task Login_PasswordThenPushWithNumberChallenge_MenuNumberTappedSignedInWithMfa()
    {
        var client = await OobKit.RegisterAppAsync(Server, "always", grants: MfaGrants);
        await using var user = await fixture.PushUserAsync();
        var (login, listener) = (user.Login, user.Listener);
        using var terminal = Terminal.Start(Args(client.ClientId, $"--username {login}"));

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        var menu = await terminal.WaitForAllAsync("How do you want to verify?", "Text message (SMS)");
        terminal.Press("Down");
        await terminal.WaitForAsync("> Push to my authenticator app");
        terminal.Press("Enter");
        var shown = (await terminal.WaitForMatchAsync(TapNumber())).Groups[1].Value;
        var waiting = terminal.Screen();
        var push = await listener.NextPushAsync(20);
        await user.AnswerAsync(push, PushDecisions.Approve, shown);
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.Contains("One more step", menu, StringComparison.Ordinal);
        Assert.Contains("Text message (SMS)", menu, StringComparison.Ordinal);
        Assert.Contains("Number challenge", waiting, StringComparison.Ordinal);
        Assert.True(push.Mfa);
        Assert.Contains(shown, push.Numbers!);
        Assert.Contains("Signed in as Test User", screen, StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ pwd, swk, mfa", screen);
    }

    [Fact]
    public async Task Login_PasswordThenPushDeniedOnThePhone_DeniedExitCode()
    {
        var client = await OobKit.RegisterAppAsync(Server, "always", grants: MfaGrants);
        await using var user = await fixture.PushUserAsync();
        var (login, listener) = (user.Login, user.Listener);
        using var terminal = Terminal.Start(Args(client.ClientId, $"--username {login} --factor push"));

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        await terminal.WaitForMatchAsync(TapNumber());
        var push = await listener.NextPushAsync(20);
        await user.AnswerAsync(push, PushDecisions.Deny, null);

        Assert.Equal(2, await terminal.ExitCodeAsync());
        Assert.Contains("Sign-in denied on your phone: The user denied the out-of-band authenticator request.", terminal.Screen(), StringComparison.Ordinal);
        Assert.DoesNotContain("different number", terminal.Screen(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sms", "sms", "Code from the text message sent to", "sms")]
    [InlineData("voice", "call", "Code from the phone call to", "tel")]
    public async Task Login_PhonePrimaryCodeReadOffThePhone_PromptNamesTheMaskedNumberAndSignsInWithChannelAmr(
        string flow, string factorType, string prompt, string amr)
    {
        var client = await Server.RegisterClientAsync(PhoneKit.Grants);
        await Server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:sms", "oob:voice" } });
        var user = await PhoneUserAsync(factorType);
        using var terminal = Terminal.Start(Args(client.ClientId, $"--flow {flow} --username {user.Login}"));

        var asked = await terminal.WaitForAsync($"{prompt} +1 ••• ••• {user.Phone[^4..]}:");
        var code = await PhoneKit.SignInCodeAsync(Server, user.Phone, flow);
        terminal.Type(code[..3] + " " + code[3..]);   // as a person reads it off the screen
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(user.Phone[2..], asked, StringComparison.Ordinal);
        Assert.Contains("Signed in as Test User", screen, StringComparison.Ordinal);
        Assert.Contains(user.UserId, screen, StringComparison.Ordinal);
        Assert.Matches($@"amr\s+│ {amr}\s", screen);
    }

    [Fact]
    public async Task Login_SmsPrimaryWrongCodeThenRight_AsksAgainAndSignsIn()
    {
        var client = await Server.RegisterClientAsync(PhoneKit.Grants);
        await Server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:sms" } });
        var user = await PhoneUserAsync("sms");
        using var terminal = Terminal.Start(Args(client.ClientId, $"--flow sms --username {user.Login}"));

        await terminal.WaitForAsync("Code from the text message sent to");
        var code = await PhoneKit.SignInCodeAsync(Server, user.Phone, "sms");
        terminal.Type(PhoneKit.WrongCode(code));
        terminal.Press("Enter");
        var retry = await terminal.WaitForAsync("Wrong code:");
        terminal.Type(code);
        terminal.Press("Enter");

        Assert.Equal(0, await terminal.ExitCodeAsync());
        Assert.Contains("The 'otp' provided is either empty or incorrect.", retry, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(retry, "try again", RegexOptions.IgnoreCase));
        Assert.Contains($"A code was sent to +1 ••• ••• {user.Phone[^4..]} (sms).", retry, StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ sms\s", terminal.Screen());
    }

    [Fact]
    public async Task Login_PasswordThenSmsPickedFromMenu_CodeTypedSignedInWithMfa()
    {
        var client = await Server.RegisterClientAsync(PhoneKit.Grants);
        var user = await PhoneUserAsync("sms");
        using var terminal = Terminal.Start(Args(client.ClientId, $"--username {user.Login}"));

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        await terminal.WaitForAsync("How do you want to verify?");
        terminal.Press("Down", "Down");
        await terminal.WaitForAsync("> Text message (SMS)");
        terminal.Press("Enter");
        await terminal.WaitForAsync("Code from the text message sent to");
        terminal.Type(await PhoneKit.SignInCodeAsync(Server, user.Phone, "sms"));
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.Contains("Signed in as Test User", screen, StringComparison.Ordinal);
        Assert.Contains(user.UserId, screen, StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ pwd, sms, mfa", screen);
    }
    [Fact]
    public async Task Login_JsonSmsAgainWithin30Seconds_RateLimitedWithTheTimeToRetry()
    {
        var client = await Server.RegisterClientAsync(PhoneKit.Grants);
        await Server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:sms" } });
        var user = await PhoneUserAsync("sms");
        var sentAt = fixture.LoopbackClock.GetUtcNow();
        var first = await CliProcess.RunAsync(null, "login", "--issuer", fixture.Issuer, "--client-id", client.ClientId,
            "--flow", "sms", "--username", user.Login, "--otp", "0", "--json");
        fixture.LoopbackClock.Advance(TimeSpan.FromSeconds(10));

        var second = await CliProcess.RunAsync(null, "login", "--issuer", fixture.Issuer, "--client-id", client.ClientId,
            "--flow", "sms", "--username", user.Login, "--json");

        Assert.Equal(2, first.ExitCode);   // the code was sent; "0" is never it
        Assert.Equal(1, second.ExitCode);
        using var json = JsonDocument.Parse(second.Stdout);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("RateLimited", error.GetProperty("kind").GetString());
        Assert.Equal(429, error.GetProperty("status_code").GetInt32());
        Assert.Equal("invalid_grant", error.GetProperty("code").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(sentAt.AddSeconds(30).ToUnixTimeSeconds()), error.GetProperty("retry_after").GetDateTimeOffset());
    }
    [Fact]
    public async Task Login_SmsPrimaryEmptyCode_NewCodeAfterTheSendLimit()
    {
        var client = await Server.RegisterClientAsync(PhoneKit.Grants);
        await Server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:sms" } });
        var user = await PhoneUserAsync("sms");
        using var terminal = Terminal.Start(Args(client.ClientId, $"--flow sms --username {user.Login}"));

        var first = await terminal.WaitForAsync("Code from the text message sent to");
        var firstCode = await PhoneKit.SignInCodeAsync(Server, user.Phone, "sms");
        terminal.Press("Enter");
        var refused = await terminal.WaitForAsync("A new code can be sent after");
        fixture.LoopbackClock.Advance(TimeSpan.FromSeconds(31));
        terminal.Press("Enter");
        await WaitForCountAsync(terminal, $"A code was sent to +1 ••• ••• {user.Phone[^4..]} (sms).", 2);
        var secondCode = await PhoneKit.SignInCodeAsync(Server, user.Phone, "sms");
        terminal.Type(secondCode);
        terminal.Press("Enter");

        Assert.Equal(0, await terminal.ExitCodeAsync());
        Assert.Contains("Press Enter without a code to get a new one.", first, StringComparison.Ordinal);
        Assert.Contains("Type the code you have", refused, StringComparison.Ordinal);
        Assert.NotEqual(firstCode, secondCode);
        Assert.Matches(@"amr\s+│ sms\s", terminal.Screen());
    }

    [Fact]
    public async Task Login_PushWaiting_CountdownTicksEverySecond()
    {
        var client = await OobKit.RegisterAppAsync(Server, "always", grants: MfaGrants);
        await using var user = await fixture.PushUserAsync();
        using var terminal = Terminal.Start(Args(client.ClientId, $"--username {user.Login} --factor push"));

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        // The first change of the countdown on screen: when it moved only with each poll it jumped by the poll
        // interval (5 s, give or take one for rounding); ticking every second it moves by 1 (up to 3 if readings are missed).
        var first = Seconds((await terminal.WaitForMatchAsync(ExpiresIn())).Groups[1].Value);
        var next = first;
        for (var waited = 0; next == first && waited < 80; waited++)
        {
            await Task.Delay(250);
            next = Seconds(ExpiresIn().Match(terminal.Screen()).Groups[1].Value);
        }
        terminal.Press("C-c");

        Assert.NotEqual(first, next);
        Assert.InRange(first - next, 1, 3);
    }

    [Fact]
    public async Task Login_PushWrongNumberPickedOnThePhone_SaysADifferentNumberWasTapped()
    {
        var client = await OobKit.RegisterAppAsync(Server, "always", grants: MfaGrants);
        await using var user = await fixture.PushUserAsync();
        using var terminal = Terminal.Start(Args(client.ClientId, $"--username {user.Login} --factor push"));

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        var shown = (await terminal.WaitForMatchAsync(TapNumber())).Groups[1].Value;
        var push = await user.Listener.NextPushAsync(20);
        await user.AnswerAsync(push, PushDecisions.Approve, push.Numbers!.First(n => n != shown));

        Assert.Equal(2, await terminal.ExitCodeAsync());
        var said = Regex.Replace(terminal.Screen(), @"\s+", " ");   // the message is wrapped at the terminal's width
        Assert.Contains($"✗ Wrong number: You tapped a different number than the one shown ({shown}); try again: sign in again and tap the number it shows.", said, StringComparison.Ordinal);
    }

    private static int Seconds(string minutesSeconds) =>
        int.Parse(minutesSeconds.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture) * 60
        + int.Parse(minutesSeconds.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"expires in (\d+:\d\d)")]
    private static partial Regex ExpiresIn();

    private static async Task WaitForCountAsync(Terminal terminal, string text, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Regex.Count(terminal.Screen(), Regex.Escape(text)) < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"The screen never showed '{text}' {count} times:\n{terminal.Screen()}");
            await Task.Delay(200);
        }
    }
}
