using DirectAuth.Server.MyAccountPage;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Policies;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// A server of its own whose page app's sign-on policy requires a second factor: the last one cannot be removed
/// (the API's 409), and the page says so next to the list, keeping the method.
/// </summary>
public sealed class MyAccountPageLastFactorTests(MyAccountPageServer server) : IClassFixture<MyAccountPageServer>
{
    [Fact]
    public Task Remove_TheLastFactorAPolicyRequires_RefusedAndSaidAtTheList() => MyAccountPageSteps.RunAsync(async (page, _) =>
    {
        await server.AssignPolicyAsync(PageApp.ClientId, new { secondFactor = "required", secondFactors = new[] { "otp" } });
        var login = $"page-last-{Guid.NewGuid():N}@example.com";
        var totp = await server.EnrollTotpAsync(await server.CreateUserAsync(login));
        await page.OpenAsync(server);
        await page.SignInWithPasswordAsync(login);
        await page.Button("Code from my authenticator app").ClickAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.EnterCodeAsync(server.CodeNow(totp));
        await page.WaitForAccountAsync(login);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove Authenticator app" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();

        var refusal = page.Locator("#factors-error");
        await Expect(refusal).ToContainTextAsync("Enroll another factor before removing this one.");
        await Expect(refusal).ToBeFocusedAsync();
        await Expect(refusal).ToHaveAttributeAsync("role", "alert");
        await Expect(page.Locator("#error")).ToBeHiddenAsync();
        Assert.Equal(("Authenticator app", "Active"), (await page.FactorRowsAsync()) is [var row] ? (row.Method, row.Status) : default);
        await page.ScreenshotAsync("remove-last-factor");
    });
}
