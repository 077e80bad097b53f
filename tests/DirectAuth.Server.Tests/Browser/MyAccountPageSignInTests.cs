using DirectAuth.Server.MyAccountPage;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Totp;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// Signing in to the My Account page in Chromium as a person does: the page's own script runs the direct-auth
/// grants against the server (password, then the second factor the policy asks for; or a passkey alone), then
/// trades the access token for the page's session cookie.
/// </summary>
public sealed class MyAccountPageSignInTests(MyAccountPageServer server) : IClassFixture<MyAccountPageServer>
{
    [Fact]
    public Task SignIn_PasswordOnlyUser_ShowsTheAccountWithAnHttpOnlyStrictCookie() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = $"page-pwd-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);

        await page.OpenAsync(server);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("sign-in");
        await page.SignInWithPasswordAsync(login);

        await page.WaitForAccountAsync(login);
        await Expect(page.Locator("#status")).ToHaveTextAsync($"Signed in as {login}.");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == PageSessions.DevCookieName);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.False(cookie.Secure); // plain http on loopback: the development case; https gets __Host- and Secure
        Assert.Equal("/", cookie.Path);
        Assert.Null(await page.EvaluateAsync<string?>("() => document.cookie || null")); // not readable by script
        var started = Assert.Single(await server.Factory.AuditEventsAsync(PageEventTypes.SessionStarted, login));
        Assert.Equal("SUCCESS", started.Outcome);
    });

    [Fact]
    public Task SignIn_ReloadWithTheCookie_StaysSignedIn_SignOutEndsTheSession() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = $"page-reload-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);
        await page.WaitForAccountAsync(login);

        await page.ReloadAsync();
        await page.WaitForAccountAsync(login);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("You are signed out.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == PageSessions.DevCookieName);
        Assert.Single(await server.Factory.AuditEventsAsync(PageEventTypes.SessionEnded, (await server.Factory.AuditEventsAsync(PageEventTypes.SessionStarted, login)).Single().ActorId));
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    });

    [Fact]
    public Task SignIn_WrongPassword_ShowsTheErrorAndMovesFocusToIt() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = $"page-wrong-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        await page.OpenAsync(server);

        await page.SignInWithPasswordAsync(login, "not the password at all");

        var error = page.GetByRole(AriaRole.Alert);
        await Expect(error).ToHaveTextAsync("The credentials provided were invalid.");
        await Expect(error).ToBeFocusedAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == PageSessions.DevCookieName);
    });

    [Fact]
    public Task SignIn_UserWithTotp_AsksForTheCodeThenSignsIn() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = $"page-totp-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var totp = await server.EnrollTotpAsync(userId);
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Confirm it is you" })).ToBeFocusedAsync();
        await page.ScreenshotAsync("second-factor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Code from my authenticator app" }).ClickAsync();
        await Expect(page.GetByLabel("Code from your authenticator app")).ToBeFocusedAsync();
        await page.EnterCodeAsync(server.CodeNow(totp));

        await page.WaitForAccountAsync(login);
    });

    [Fact]
    public Task SignIn_WrongTotpCode_SaysSoAndTheRightOneStillWorks() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = $"page-totp-wrong-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var totp = await server.EnrollTotpAsync(userId);
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);
        await page.GetByRole(AriaRole.Button, new() { Name = "Code from my authenticator app" }).ClickAsync();

        var right = server.CodeNow(totp);
        await page.EnterCodeAsync(right == "000000" ? "111111" : "000000");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("'otp'");
        await page.EnterCodeAsync(right);

        await page.WaitForAccountAsync(login);
    });

    [Fact]
    public Task SignIn_UserWithSms_TextsACodeThePersonTypes() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = $"page-sms-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var phone = Phone.PhoneSteps.NewPhone();
        var factorId = await Phone.PhoneSteps.EnrollOkAsync(server, userId, "sms", phone);
        var (activated, body) = await Phone.PhoneSteps.ActivateAsync(server, userId, factorId, await Phone.PhoneSteps.LatestCodeAsync(server, phone));
        Assert.True(activated == 200, body.ToString());
        server.Clock.Advance(TimeSpan.FromSeconds(31)); // past the phone's resend interval
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);

        await page.GetByRole(AriaRole.Button, new() { Name = "Text me a code" }).ClickAsync();
        await Expect(page.GetByLabel("Code we texted you")).ToBeFocusedAsync();
        await page.EnterCodeAsync(await Phone.PhoneSteps.LatestCodeAsync(server, phone));

        await page.WaitForAccountAsync(login);
    });

    [Fact]
    public Task SignIn_NoPhone_TextMeRefusedWithoutSayingMore() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        var login = $"page-nophone-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        await server.EnrollTotpAsync(userId);
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);

        await page.GetByRole(AriaRole.Button, new() { Name = "Text me a code" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("no 'sms' authenticator");
        await Expect(page.Locator("#mfa")).ToBeVisibleAsync();
    });

    [Fact]
    public Task SignIn_PasskeyAlone_SignsInWithoutAPassword() => MyAccountPageSteps.RunAsync(async (page, authenticator) =>
    {
        var login = $"page-passkey-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        await page.OpenAsync(server);
        await PageAdmin.EnrollPasskeyAsync(server, page, userId);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        await page.WaitForAccountAsync(login);
        Assert.Single(await authenticator!.CredentialsAsync());
        var started = Assert.Single(await server.Factory.AuditEventsAsync(PageEventTypes.SessionStarted, login));
        Assert.Contains("hwk", started.Details ?? "", StringComparison.Ordinal);
    }, passkeys: true);
}
