using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DirectAuth.Server.AdminConsole;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>What an operator does in the admin console, in Chromium, by the page's labels and buttons; and the setup around it.</summary>
public static class ConsoleSteps
{
    /// <summary>A new user with an authenticator app (TOTP), in the administrators' group when <paramref name="admin"/>.</summary>
    public static async Task<(string Login, string UserId, EnrolledTotp Totp)> NewAdminAsync(this ConsoleServer server, string name, bool admin = true)
    {
        var login = $"console-{name}-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var totp = await server.EnrollTotpAsync(userId);
        if (admin) await server.AddToGroupAsync(ConsoleOptions.DefaultAdminGroup, userId);
        return (login, userId, totp);
    }

    public static async Task AddToGroupAsync(this ServerFixture server, string groupName, string userId)
    {
        using var api = server.Admin();
        var groups = await api.GetFromJsonAsync<JsonElement>("/api/v1/groups?q=" + Uri.EscapeDataString(groupName));
        var groupId = groups.EnumerateArray().Single(g => g.GetProperty("profile").GetProperty("name").GetString() == groupName).GetProperty("id").GetString();
        var added = await api.PutAsync($"/api/v1/groups/{groupId}/users/{userId}", null);
        Assert.True(added.IsSuccessStatusCode, $"adding to {groupName}: {(int)added.StatusCode}");
    }

    public static async Task OpenAsync(this IPage page, ConsoleServer server, string hash = "")
    {
        await page.GotoAsync(server.Origin + "/console" + hash);
        await page.Locator("body[data-ready=true]").WaitForAsync();
    }

    public static async Task SignInWithPasswordAsync(this IPage page, string login)
    {
        await page.GetByLabel("Username").FillAsync(login);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(ServerFixture.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Password, then the authenticator app's code; waits for the console's first page.</summary>
    public static async Task SignInAsync(this IPage page, ConsoleServer server, string login, EnrolledTotp totp, string? screenshots = null)
    {
        await page.SignInWithPasswordAsync(login);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Second factor" })).ToBeFocusedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Code from my authenticator app" }).ClickAsync();
        await page.GetByLabel("Code from your authenticator app").FillAsync(server.CodeNow(totp));
        if (screenshots is not null) await page.ScreenshotAsync(screenshots);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await Expect(page.Locator("#whoami")).ToHaveTextAsync(login);
        await page.Locator("body[data-page]").WaitForAsync();
    }

    public static async Task GoToAsync(this IPage page, string link, string heading)
    {
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true, Level = 2 })).ToBeVisibleAsync();
    }

    public static ILocator Button(this IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>
    /// A screenshot in <c>TestResults/browser/console-{name}.png</c>; with <c>DIRECTAUTH_UPDATE_DOC_IMAGES=1</c> also into
    /// <c>docs/images/console/{name}.png</c>, the pictures docs/console.md shows.
    /// </summary>
    public static Task ScreenshotAsync(this IPage page, string name) => SharedBrowser.ScreenshotAsync(page, $"console-{name}", "console", name);

    /// <summary>Runs a console test in its own browser context; confirm() dialogs are accepted as the operator would.</summary>
    public static Task RunAsync(Func<IPage, Task> test, [CallerFilePath] string file = "", [CallerMemberName] string name = "") =>
        SharedBrowser.RunAsync(async page =>
        {
            page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
            await test(page);
        }, file, name);

    /// <summary>A console session over HTTP, as the console's script makes it: password and TOTP at /token, then POST /console/session.</summary>
    public static async Task<(HttpClient Client, string Csrf)> HttpSessionAsync(this ConsoleServer server, string login, EnrolledTotp totp)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.Origin) };
        var first = await client.PostAsync("/oauth2/v1/token", Form(("grant_type", "password"), ("username", login), ("password", ServerFixture.DefaultPassword)));
        var (status, body) = await ServerFixture.ReadAsync(first);
        Assert.True(status == 403, $"expected mfa_required: {status} {body}");
        var second = await client.PostAsync("/oauth2/v1/token", Form(("grant_type", MfaSteps.MfaOtp), ("mfa_token", body.GetProperty("mfa_token").GetString()!), ("otp", server.CodeNow(totp))));
        (status, body) = await ServerFixture.ReadAsync(second);
        Assert.True(status == 200, $"mfa-otp: {status} {body}");
        var session = await client.PostAsJsonAsync("/console/session", new { access_token = body.GetProperty("access_token").GetString() });
        (status, body) = await ServerFixture.ReadAsync(session);
        Assert.True(status == 200, $"console session: {status} {body}");
        return (client, body.GetProperty("csrfToken").GetString()!);
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new([.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value)), KeyValuePair.Create("client_id", ConsoleApp.ClientId), KeyValuePair.Create("scope", "openid profile")]);
}
