using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>What a person does on the My Account page, in Chromium, by the page's labels and buttons.</summary>
public static class MyAccountPageSteps
{
    public static async Task OpenAsync(this IPage page, MyAccountPageServer server)
    {
        await page.GotoAsync(server.Origin + "/myaccount");
        await page.Locator("body[data-ready=true]").WaitForAsync();
    }

    /// <summary>Types username and password and presses Sign in (the page then shows a second factor or the account).</summary>
    public static async Task SignInWithPasswordAsync(this IPage page, string login, string password = Infrastructure.ServerFixture.DefaultPassword)
    {
        var username = page.GetByLabel("Username");
        if (await username.IsEditableAsync()) await username.FillAsync(login);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public static async Task WaitForAccountAsync(this IPage page, string login)
    {
        await page.Locator("#account").WaitForAsync();
        await Assertions.Expect(page.Locator("#whoami")).ToHaveTextAsync(login);
    }

    public static async Task EnterCodeAsync(this IPage page, string code)
    {
        await page.Locator("#code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
    }

    /// <summary>
    /// A full-page screenshot in <c>TestResults/browser/myaccount-{name}.png</c>; with <c>DIRECTAUTH_UPDATE_DOC_IMAGES=1</c>
    /// also into <c>docs/images/self-service/{name}.png</c>, the pictures docs/self-service.md shows.
    /// </summary>
    public static Task ScreenshotAsync(this IPage page, string name) => SharedBrowser.ScreenshotAsync(page, $"myaccount-{name}", "self-service", name);

    /// <summary>Runs a page test in its own browser context, with a virtual authenticator when <paramref name="passkeys"/>.</summary>
    public static Task RunAsync(Func<IPage, VirtualAuthenticator?, Task> test, bool passkeys = false,
        [CallerFilePath] string file = "", [CallerMemberName] string name = "") =>
        SharedBrowser.RunAsync(async page =>
        {
            var authenticator = passkeys ? await VirtualAuthenticator.AddAsync(page) : null;
            await test(page, authenticator);
        }, file, name);
}
