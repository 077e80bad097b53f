using System.Text.RegularExpressions;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.OutOfBand;
using DirectAuth.Server.Tests.Policies;
using DirectAuth.Server.Tests.Totp;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// <c>directauth login</c> through second factors and push against the real server on a loopback port, in a
/// terminal: the person types the password, picks a factor, types the code from their authenticator app, or
/// reads the number on screen and taps it on their phone (the authenticator device client).
/// </summary>
public sealed partial class LoginMfaTerminalTests(LoopbackServerFixture fixture) : IClassFixture<LoopbackServerFixture>
{
    private ServerFixture Server => fixture.Server;

    [GeneratedRegex(@"tap (\d{2,6})…")]
    private static partial Regex TapNumber();

    /// <summary>The code the user's authenticator app shows now, by the loopback server's clock (moved a step on, so it is fresh).</summary>
    private string FreshCode(EnrolledTotp totp)
    {
        fixture.LoopbackClock.Advance(TimeSpan.FromSeconds(60));
        return OathTool.Totp(totp.Secret, fixture.LoopbackClock.GetUtcNow());
    }

    [Fact]
    public async Task Login_PasswordThenOtpPickedFromMenu_SignedInWithMfa()
    {
        var (client, totp, login) = await Server.UserWithTotpAsync();
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --username {login}");

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        // The heading is drawn before the choices; wait for the choice itself, not the heading.
        var menu = await terminal.WaitForAsync("> Code from my authenticator app");
        terminal.Press("Enter");
        await terminal.WaitForAsync("Code from your authenticator app:");
        terminal.Type(FreshCode(totp));
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.Contains("One more step", menu, StringComparison.Ordinal);
        Assert.Contains("> Code from my authenticator app", menu, StringComparison.Ordinal);
        Assert.Contains("Recovery code", menu, StringComparison.Ordinal);
        Assert.Contains("Signed in as Test User", screen, StringComparison.Ordinal);
        Assert.Contains(totp.UserId, screen, StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ pwd, otp, mfa", screen);
    }

    [Fact]
    public async Task Login_WrongOtpThenRight_AsksAgainAndSignsIn()
    {
        var (client, totp, login) = await Server.UserWithTotpAsync();
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --username {login} --factor otp");

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        await terminal.WaitForAsync("Code from your authenticator app:");
        var right = FreshCode(totp);
        terminal.Type(right == "123456" ? "654321" : "123456");
        terminal.Press("Enter");
        var retry = await terminal.WaitForAsync("Wrong code:");
        terminal.Type(right);
        terminal.Press("Enter");

        Assert.Equal(0, await terminal.ExitCodeAsync());
        Assert.Contains("The 'otp' provided is either empty or incorrect.", terminal.Screen(), StringComparison.Ordinal);
        Assert.Single(Regex.Matches(retry, "try again", RegexOptions.IgnoreCase));
    }

    [Fact]
    public async Task Login_JsonPasswordAndRecoveryCode_SignedIn()
    {
        var (client, totp, login) = await Server.UserWithTotpAsync();

        var result = await CliProcess.RunAsync(ServerFixture.DefaultPassword, "login", "--issuer", fixture.Issuer, "--client-id", client.ClientId,
            "--username", login, "--password-stdin", "--factor", "recovery", "--otp", totp.RecoveryCodes[1], "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"status\":\"signed_in\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"\"subject\":\"{totp.UserId}\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_OtpFlowWithFlags_SignedInWithOtpOnly()
    {
        var (client, totp, login) = await Server.UserWithTotpAsync();
        await Server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "otp" } });

        var result = await CliProcess.RunAsync(null, "login", "--issuer", fixture.Issuer, "--client-id", client.ClientId,
            "--flow", "otp", "--username", login, "--otp", FreshCode(totp), "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"amr\":[\"otp\"]", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_PushWithNumberChallenge_PersonTapsTheNumberOnThePhone()
    {
        var client = await Server.RegisterClientAsync(OobKit.Grants);
        await Server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:push" } });
        // The phone talks to the instance the CLI talks to: that instance delivers the push.
        await using var user = await fixture.PushUserAsync();
        var (login, listener) = (user.Login, user.Listener);

        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --flow push --username {login}");
        var shown = (await terminal.WaitForMatchAsync(TapNumber())).Groups[1].Value;
        var screen = terminal.Screen();
        var push = await listener.NextPushAsync(20);
        await user.AnswerAsync(push, PushDecisions.Approve, shown);
        var exitCode = await terminal.ExitCodeAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("Number challenge", screen, StringComparison.Ordinal);
        Assert.Contains(shown, push.Numbers!);
        Assert.Contains("Signed in as Test User", terminal.Screen(), StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ swk", terminal.Screen());
    }

    [Fact]
    public async Task Login_PushWrongNumberTapped_DeniedExitCode()
    {
        var client = await Server.RegisterClientAsync(OobKit.Grants);
        await Server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:push" } });
        // The phone talks to the instance the CLI talks to: that instance delivers the push.
        await using var user = await fixture.PushUserAsync();
        var (login, listener) = (user.Login, user.Listener);

        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --flow push --username {login}");
        var shown = (await terminal.WaitForMatchAsync(TapNumber())).Groups[1].Value;
        var push = await listener.NextPushAsync(20);
        Assert.Contains(shown, push.Numbers!);
        await user.AnswerAsync(push, PushDecisions.Approve, push.Numbers!.First(n => n != shown));

        Assert.Equal(2, await terminal.ExitCodeAsync());
        Assert.Contains("✗ Wrong number: You tapped a different number than the one shown", terminal.Screen(), StringComparison.Ordinal);
    }
}
