using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Policies;
using DirectAuth.Server.Tests.Totp;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// <c>directauth login --enroll</c> in a terminal: the app's rule requires a second factor and the new user has only a
/// password. Instead of failing, the CLI sets up an authenticator app through the MyAccount API (the person reads the
/// secret off the screen into their app), shows the recovery codes, and signs in again with the new factor.
/// </summary>
public sealed partial class LoginEnrollTerminalTests(LoopbackServerFixture fixture) : IClassFixture<LoopbackServerFixture>
{
    private const string MfaOtp = "http://auth0.com/oauth/grant-type/mfa-otp";

    [GeneratedRegex(@"Or type this secret: ([A-Z2-7]+)")]
    private static partial Regex Secret();

    [GeneratedRegex(@"Signing in again with it[\s\S]*Code from your authenticator app:")]
    private static partial Regex SecondPrompt();

    private async Task<(RegisteredClient Client, string Login)> AppRequiringOtpAsync(bool grantEnrollScope = true)
    {
        var client = await fixture.Server.RegisterClientAsync(["password", "refresh_token", MfaOtp]);
        if (grantEnrollScope)
        {
            using var admin = fixture.Server.Admin();
            var granted = await admin.PostAsJsonAsync($"/api/v1/apps/{client.ClientId}/grants", new { scopeId = "okta.myAccount.authenticators.manage" });
            Assert.Equal(201, (int)granted.StatusCode);
        }
        await fixture.Server.AssignPolicyAsync(client.ClientId, new { secondFactor = "required", secondFactors = new[] { "otp" } });
        var login = $"enroll-cli-{Guid.NewGuid():N}@example.com";
        await fixture.Server.CreateUserAsync(login);
        return (client, login);
    }

    [Fact]
    public async Task Login_Enroll_NoFactor_SetsUpTheAppShowsRecoveryCodesThenSignsInWithIt()
    {
        var (client, login) = await AppRequiringOtpAsync();
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --username {login} --factor otp --enroll");

        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        var secret = (await terminal.WaitForMatchAsync(Secret())).Groups[1].Value;
        var setup = await terminal.WaitForAsync("Code from your authenticator app:");
        terminal.Type(OathTool.Totp(secret, fixture.LoopbackClock.GetUtcNow()));
        terminal.Press("Enter");
        await terminal.WaitForMatchAsync(SecondPrompt());
        var enrolled = terminal.Screen();
        fixture.LoopbackClock.Advance(TimeSpan.FromSeconds(60)); // the activation code is used; the app shows a new one
        terminal.Type(OathTool.Totp(secret, fixture.LoopbackClock.GetUtcNow()));
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.True(setup.Contains("otpauth://totp/DirectAuth:", StringComparison.Ordinal), setup);
        Assert.True(enrolled.Contains("Authenticator app added", StringComparison.Ordinal), enrolled);
        Assert.True(enrolled.Contains("Recovery codes", StringComparison.Ordinal) && enrolled.Contains("Shown once", StringComparison.Ordinal), enrolled);
        Assert.True(screen.Contains("Signed in as Test User", StringComparison.Ordinal), screen);
        Assert.Matches(@"amr\s+│ pwd, otp, mfa", screen);
    }

    [Fact]
    public async Task Login_WithoutEnroll_NoFactor_FailsSayingWhy()
    {
        var (client, login) = await AppRequiringOtpAsync();
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --username {login} --factor otp");
        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.NotEqual(0, exitCode);
        Assert.True(screen.Contains("requires an additional factor", StringComparison.Ordinal), screen);
        Assert.True(screen.Contains("--enroll", StringComparison.Ordinal), screen); // the hint
        Assert.DoesNotContain("otpauth://", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_Enroll_AppNotGrantedTheScope_SaysWhyAndEnrollsNothing()
    {
        var (client, login) = await AppRequiringOtpAsync(grantEnrollScope: false);
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --username {login} --factor otp --enroll");
        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(1, exitCode);
        Assert.True(screen.Contains("you have none yet", StringComparison.Ordinal), screen);
        Assert.True(screen.Contains("Could not set up the authenticator app", StringComparison.Ordinal), screen);
        Assert.True(screen.Contains("okta.myAccount.authenticators.manage", StringComparison.Ordinal), screen);
        Assert.DoesNotContain("otpauth://", screen, StringComparison.Ordinal);
    }
}
