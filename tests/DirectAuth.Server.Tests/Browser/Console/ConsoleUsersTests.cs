using System.Net.Http.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Totp;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>The Users page: search, create, lifecycle, and enrolling a user's factors with the QR on screen.</summary>
public sealed class ConsoleUsersTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public Task EnrollTotp_FromTheOnScreenQr_TheUserThenSignsInWithTheCode() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("totp");
        var user = $"console-totpuser-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(user);
        var app = await server.RegisterClientAsync(MfaSteps.AllGrants);
        await page.OpenAsync(server, $"#users/{userId}");
        await page.SignInAsync(server, login, totp);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = user })).ToBeVisibleAsync();
        await Expect(page.GetByText("No factors: this user signs in with the password only.")).ToBeVisibleAsync();

        await page.Button("Enroll authenticator app (TOTP)").ClickAsync();
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code for the authenticator app" });
        await Expect(qr).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('totp-qr').complete && document.getElementById('totp-qr').naturalWidth > 0");
        await page.ScreenshotAsync("user-enroll-totp");
        var uri = MyAccountFactorSteps.DecodeQr(await qr.ScreenshotAsync());
        var secret = MyAccountFactorSteps.QueryParameter(uri, "secret");
        Assert.Equal(secret, await page.Locator("#totp-secret").InnerTextAsync());
        await page.GetByLabel("Code from the app").FillAsync(OathTool.Totp(secret, server.Clock.GetUtcNow()));
        await page.Button("Activate").ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("Factor activated.");
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Authenticator app (TOTP)" })).ToContainTextAsync("ACTIVE");
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var mfaToken = await server.MfaTokenAsync(app.ClientId, user);
        var (status, body) = await server.TokenAsync(("grant_type", MfaSteps.MfaOtp), ("client_id", app.ClientId), ("mfa_token", mfaToken),
            ("otp", OathTool.Totp(secret, server.Clock.GetUtcNow())));
        Assert.True(status == 200, body.ToString());
    });

    [Fact]
    public Task EnrollSms_WithTheCodeTheUserGot_ShowsThePhoneNumber() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("sms");
        var user = $"console-smsuser-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(user);
        var phone = Phone.PhoneSteps.NewPhone();
        await page.OpenAsync(server, $"#users/{userId}");
        await page.SignInAsync(server, login, totp);

        await page.Button("Enroll phone (SMS)").ClickAsync();
        await page.GetByLabel("Phone number (E.164)").FillAsync(phone);
        await page.Button("Text a code").ClickAsync();
        await Expect(page.GetByLabel("Code the user received")).ToBeVisibleAsync();
        await page.GetByLabel("Code the user received").FillAsync(await Phone.PhoneSteps.LatestCodeAsync(server, phone));
        await page.Button("Activate").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "SMS" })).ToContainTextAsync(phone);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "SMS" })).ToContainTextAsync("ACTIVE");
    });

    [Fact]
    public Task PairPush_ShowsTheActivationQr() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("push");
        var userId = await server.CreateUserAsync($"console-pushuser-{Guid.NewGuid():N}@example.com");
        await page.OpenAsync(server, $"#users/{userId}");
        await page.SignInAsync(server, login, totp);

        await page.Button("Pair push device").ClickAsync();

        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code to pair the authenticator app" });
        await Expect(qr).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('push-qr').complete && document.getElementById('push-qr').naturalWidth > 0");
        Assert.Equal(await page.Locator("#push-link").InnerTextAsync(), MyAccountFactorSteps.DecodeQr(await qr.ScreenshotAsync()));
    });

    [Fact]
    public Task CreateSearchSuspendAndUnsuspend_AUser() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("users");
        var user = $"console-new-{Guid.NewGuid():N}@example.com";
        await page.OpenAsync(server);
        await page.SignInAsync(server, login, totp);
        await page.GoToAsync("Users", "Users");

        await page.GetByRole(AriaRole.Link, new() { Name = "Create user" }).ClickAsync();
        await page.GetByLabel("Login (usually the email address)").FillAsync(user);
        await page.GetByLabel("First name").FillAsync("Ada");
        await page.GetByLabel("Last name").FillAsync("Lovelace");
        await page.GetByLabel("Initial password").FillAsync("short");
        await page.Button("Create user").ClickAsync();
        await Expect(page.GetByLabel("Initial password")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Initial password").FillAsync(ServerFixture.DefaultPassword);
        await page.Button("Create user").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = user })).ToBeVisibleAsync();

        await page.Button("Suspend").ClickAsync();
        await Expect(page.Locator(".head .badge")).ToHaveTextAsync("SUSPENDED");
        Assert.Equal(400, (await server.PasswordGrantAsync((await server.RegisterClientAsync()).ClientId, user, ServerFixture.DefaultPassword)).Status);
        await page.Button("Unsuspend").ClickAsync();
        await Expect(page.Locator(".head .badge")).ToHaveTextAsync("ACTIVE");

        await page.GoToAsync("Users", "Users");
        await page.GetByLabel("Search users").FillAsync(user[..20]);
        await page.Button("Search").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = user })).ToBeVisibleAsync();
        await page.ScreenshotAsync("users");
        await page.GetByLabel("Search users").FillAsync("nobody-by-this-name");
        await page.Button("Search").ClickAsync();
        await Expect(page.GetByText("No user matches \"nobody-by-this-name\".")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Unlock_ALockedOutUser_SignsInAgain() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("unlock");
        var user = $"console-locked-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(user);
        var app = await server.RegisterClientAsync();
        for (var i = 0; i < new Settings.LockoutOptions().MaxFailures; i++)
            await server.PasswordGrantAsync(app.ClientId, user, "not the password " + i);
        Assert.Equal(400, (await server.PasswordGrantAsync(app.ClientId, user, ServerFixture.DefaultPassword)).Status);
        await page.OpenAsync(server, $"#users/{userId}");
        await page.SignInAsync(server, login, totp);
        await Expect(page.Locator(".head .badge")).ToHaveTextAsync("LOCKED_OUT");

        await page.Button("Unlock").ClickAsync();

        await Expect(page.Locator(".head .badge")).ToHaveTextAsync("ACTIVE");
        Assert.Equal(200, (await server.PasswordGrantAsync(app.ClientId, user, ServerFixture.DefaultPassword)).Status);
    });
}

