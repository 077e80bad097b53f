using DirectAuth.Server.AdminConsole;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>Signing in to the admin console in Chromium: password and a second factor, administrators only, and the session's end.</summary>
public sealed class ConsoleSignInTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public Task SignIn_AdminWithTotp_OpensTheConsoleInAnHttpOnlyStrictSessionCookie() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, userId, totp) = await server.NewAdminAsync("signin");
        await page.OpenAsync(server);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the admin console" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("sign-in");

        await page.SignInAsync(server, login, totp, screenshots: "second-factor");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Apps", Level = 2 })).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync($"Signed in as {login}.");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == ConsoleSessions.DevCookieName);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal(-1, cookie.Expires); // a session cookie: the server ends the session
        Assert.Null(await page.EvaluateAsync<string?>("() => document.cookie || null"));
        var started = Assert.Single(await server.Factory.AuditEventsAsync(ConsoleEventTypes.SessionStarted, userId));
        Assert.Equal("SUCCESS", started.Outcome);
        var response = await page.APIRequest.GetAsync(server.Origin + "/console");
        Assert.Contains("script-src 'self'", response.Headers["content-security-policy"]);
        Assert.DoesNotContain("unsafe-inline", response.Headers["content-security-policy"]);
    });

    [Fact]
    public Task SignIn_PasswordOnlyAdmin_IsRefusedAndToldToAddASecondFactor() => ConsoleSteps.RunAsync(async page =>
    {
        var login = $"console-pwd-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        await server.AddToGroupAsync(ConsoleOptions.DefaultAdminGroup, userId);
        await page.OpenAsync(server);

        await page.SignInWithPasswordAsync(login);

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The admin console needs a second factor");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the admin console" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == ConsoleSessions.DevCookieName);
        var refused = Assert.Single(await server.Factory.AuditEventsAsync(ConsoleEventTypes.SessionStarted, userId));
        Assert.Equal(("FAILURE", "SECOND_FACTOR_REQUIRED"), (refused.Outcome, refused.Reason));
    });

    [Fact]
    public Task SignIn_UserNotInTheAdministratorsGroup_IsRefused() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, userId, totp) = await server.NewAdminAsync("nonadmin", admin: false);
        await page.OpenAsync(server);

        await page.SignInWithPasswordAsync(login);
        await page.GetByRole(AriaRole.Button, new() { Name = "Code from my authenticator app" }).ClickAsync();
        await page.GetByLabel("Code from your authenticator app").FillAsync(server.CodeNow(totp));
        await page.Button("Verify").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This account is not an administrator");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == ConsoleSessions.DevCookieName);
        var refused = Assert.Single(await server.Factory.AuditEventsAsync(ConsoleEventTypes.SessionStarted, userId));
        Assert.Equal(("FAILURE", "NOT_AN_ADMIN"), (refused.Outcome, refused.Reason));
    });

    [Fact]
    public Task Session_IdleLongerThanTheTimeout_EndsAndTheConsoleAsksToSignInAgain() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("idle");
        await page.OpenAsync(server);
        await page.SignInAsync(server, login, totp);

        server.Clock.Advance(TimeSpan.FromSeconds(new ConsoleOptions().IdleTimeoutSeconds + 1));
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your console session has ended. Sign in again.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the admin console" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation)).ToBeHiddenAsync();
        // Signing in again works (the ended session's cookie is gone, so no CSRF token is missing).
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.SignInAsync(server, login, totp);
    });

    [Fact]
    public Task SignOut_EndsTheSession() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, userId, totp) = await server.NewAdminAsync("signout");
        await page.OpenAsync(server);
        await page.SignInAsync(server, login, totp);

        await page.Button("Sign out").ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("You are signed out.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == ConsoleSessions.DevCookieName);
        Assert.Single(await server.Factory.AuditEventsAsync(ConsoleEventTypes.SessionEnded, userId));
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the admin console" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task SignIn_AdminWithPush_TapsTheNumberThePageShows() => ConsoleSteps.RunAsync(async page =>
    {
        var admin = await OutOfBand.OobKit.CreatePushUserAsync(server, $"console-push-{Guid.NewGuid():N}@example.com");
        await server.AddToGroupAsync(ConsoleOptions.DefaultAdminGroup, admin.UserId);
        await using var phone = new OutOfBand.DeviceListener(OutOfBand.OobKit.Device(server), admin.Account);
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(admin.Login);

        await page.GetByRole(AriaRole.Button, new() { Name = "Push to my authenticator app" }).ClickAsync();
        var number = page.Locator("#binding-code");
        await Expect(number).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]$"));
        var push = await phone.NextPushAsync();
        Assert.Contains(await number.InnerTextAsync(), push.Numbers!);
        await page.ScreenshotAsync("push-number");
        server.Clock.Advance(TimeSpan.FromSeconds(6));
        await OutOfBand.OobKit.Device(server).AnswerAsync(admin.Account, push.TransactionId, DirectAuth.Protocol.PushDecisions.Approve,
            await number.InnerTextAsync(), CancellationToken.None);
        server.Clock.Advance(TimeSpan.FromSeconds(6));

        await Expect(page.Locator("#whoami")).ToHaveTextAsync(admin.Login, new() { Timeout = 30_000 });
        var started = (await server.Factory.AuditEventsAsync(ConsoleEventTypes.SessionStarted, admin.UserId)).Single();
        Assert.Equal("SUCCESS", started.Outcome);
    });

    [Fact]
    public Task SignIn_AdminWithAPasskeyAlone_OpensTheConsole() => ConsoleSteps.RunAsync(async page =>
    {
        await VirtualAuthenticator.AddAsync(page);
        var login = $"console-passkey-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        await server.AddToGroupAsync(ConsoleOptions.DefaultAdminGroup, userId);
        await page.OpenAsync(server);
        await PageAdmin.EnrollPasskeyAsync(server, page, userId);

        await page.Button("Sign in with a passkey").ClickAsync();

        await Expect(page.Locator("#whoami")).ToHaveTextAsync(login);
        var started = Assert.Single(await server.Factory.AuditEventsAsync(ConsoleEventTypes.SessionStarted, userId));
        Assert.Equal("SUCCESS", started.Outcome);
        Assert.Contains("mfa", started.Details ?? "", StringComparison.Ordinal);
    });
}

