using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// Issue 11's "done when", in Chromium: a new user an administrator created with only a password signs in at the
/// My Account page, enrolls TOTP from the QR code on screen, a phone and a passkey, makes new recovery codes, and an
/// app then signs them in with each — the person's part without the admin token.
/// </summary>
public sealed class MyAccountPageDoneWhenTests(MyAccountPageServer server) : IClassFixture<MyAccountPageServer>
{
    [Fact]
    public Task NewPasswordOnlyUser_EnrollsTotpPhonePasskeyAndRecoveryCodesOnThePage_ThenAnAppSignsInWithEach() => MyAccountPageSteps.RunAsync(async (page, authenticator) =>
    {
        // The administrator's part: a user with a password, an app.
        var login = $"page-done-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        var app = await server.RegisterClientAsync(MyAccountFactorSteps.AppGrants);

        // The person's part, on the page.
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);
        await page.WaitForAccountAsync(login);
        await Expect(page.Locator("#no-factors")).ToBeVisibleAsync();

        // The QR is read off the screen and added to the authenticator CLI, whose code activates it.
        var state = Path.Combine(Directory.CreateTempSubdirectory("directauth-donewhen-").FullName, "authenticator.json");
        var secret = await page.AddTotpFromTheQrAsync(server, "add-totp", authenticatorState: state);
        await page.SaysAsync("Authenticator app added. Save your recovery codes now: they are shown only once.");
        var firstCodes = await page.Locator("#recovery-codes li").AllInnerTextsAsync();
        Assert.Equal(10, firstCodes.Count);

        // The sign-in was a password only, and now there is a factor: adding a phone asks for it (step-up), then goes on.
        var phone = Phone.PhoneSteps.NewPhone();
        await page.Button("Add a phone").ClickAsync();
        await page.GetByLabel("Phone number").FillAsync(phone);
        await page.Button("Send code").ClickAsync();
        await Expect(page.Locator("#stepup-note")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeFocusedAsync();
        await page.ScreenshotAsync("step-up");
        await page.StepUpWithTotpAsync(server, secret);
        await Expect(page.GetByLabel("Code you received")).ToBeFocusedAsync();
        await page.GetByLabel("Code you received").FillAsync(await Phone.PhoneSteps.LatestCodeAsync(server, phone));
        await page.Locator("#phone-verify-form").GetByRole(AriaRole.Button, new() { Name = "Verify and add" }).ClickAsync();
        await page.SaysAsync("Phone added.");

        await page.AddPasskeyAsync("Chromium");
        Assert.Single(await authenticator!.CredentialsAsync());

        var codes = await page.GenerateRecoveryCodesAsync();
        Assert.Equal(10, codes.Length);
        Assert.Empty(codes.Intersect(firstCodes.Select(c => c.Trim())));
        await Expect(page.Locator("#recovery-download")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^blob:"));
        await page.ScreenshotAsync("recovery-codes");

        var rows = await page.FactorRowsAsync();
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.Method == "Authenticator app" && r.Status == "Active");
        Assert.Contains(rows, r => r.Method == "Text message" && r.Details.EndsWith(phone[^4..], StringComparison.Ordinal)
            && !r.Details.Contains(phone[..^4], StringComparison.Ordinal) && r.Status == "Active");
        Assert.Contains(rows, r => r.Method == "Passkey" && r.Details == "Chromium" && r.Status == "Active");
        await page.Button("Close").ClickAsync();
        await page.ScreenshotAsync("factors");

        // An app signs the person in with each.
        Assert.Contains("mfa", await MyAccountFactorSteps.SignInWithTotpAsync(server, app.ClientId, login, secret));
        Assert.Contains("mfa", await MyAccountFactorSteps.SignInWithSmsAsync(server, app.ClientId, login, phone));
        Assert.NotEmpty(await MyAccountFactorSteps.SignInWithPasskeyAsync(server, page, app.ClientId, login));
        Assert.Contains("mfa", await MyAccountFactorSteps.SignInWithRecoveryCodeAsync(server, app.ClientId, login, codes[0]));
        // The codes shown after TOTP were replaced: they no longer work.
        var (old, _) = await MyAccountFactorSteps.TokenAsync(server, ("grant_type", Protocol.GrantTypes.MfaRecoveryCode), ("client_id", app.ClientId),
            ("mfa_token", await MyAccountFactorSteps.MfaTokenAsync(server, app.ClientId, login)), ("recovery_code", firstCodes[0].Trim()));
        Assert.NotEqual(200, old);
    }, passkeys: true);
}
