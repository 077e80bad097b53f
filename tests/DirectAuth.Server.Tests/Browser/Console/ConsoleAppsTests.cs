using System.Net.Http.Headers;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>The Apps page: "Set up your app" with the grant types as checkboxes, the secret shown once, a new secret.</summary>
public sealed class ConsoleAppsTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private async Task<(int Status, System.Text.Json.JsonElement Body)> PasswordGrantAsync(string clientId, string secret, string login)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/default/v1/token")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("grant_type", "password"), KeyValuePair.Create("username", login),
                KeyValuePair.Create("password", ServerFixture.DefaultPassword), KeyValuePair.Create("scope", "openid")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return await ServerFixture.ReadAsync(await server.Http.SendAsync(request));
    }

    private static async Task<(string ClientId, string Secret)> RevealedAsync(IPage page)
    {
        await Expect(page.Locator("#new-client-secret")).ToBeVisibleAsync();
        return (await page.Locator("#new-client-id").InnerTextAsync(), await page.Locator("#new-client-secret").InnerTextAsync());
    }

    [Fact]
    public Task SetUpYourApp_WebAppWithASecret_ShownOnce_ThenSignsInThroughTheApi() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, adminId, totp) = await server.NewAdminAsync("apps");
        var user = $"console-appuser-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(user);
        await page.OpenAsync(server);
        await page.SignInAsync(server, login, totp);
        await page.ScreenshotAsync("apps-empty");

        await page.GetByRole(AriaRole.Link, new() { Name = "Set up your app" }).ClickAsync();
        await Expect(page.GetByLabel("App name")).ToBeFocusedAsync();
        await page.GetByLabel("App name").FillAsync("Payroll web");
        await page.GetByLabel("Web app (server side)").CheckAsync();
        await Expect(page.GetByLabel("Client authentication", new() { Exact = true })).ToHaveValueAsync("client_secret_basic");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Password" , Exact = false }).First).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "MFA: recovery code" }).CheckAsync();
        await page.ScreenshotAsync("apps-set-up");
        await page.Button("Create app").ClickAsync();

        var (clientId, secret) = await RevealedAsync(page);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Created Payroll web.");
        await page.ScreenshotAsync("apps-secret-once");
        var (status, body) = await PasswordGrantAsync(clientId, secret, user);
        Assert.True(status == 200, body.ToString());
        var created = Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.AppCreated, clientId));
        Assert.Equal(("User", adminId), (created.ActorType, created.ActorId));
        await page.ReloadAsync();
        await page.Locator("body[data-page=apps]").WaitForAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = clientId })).ToBeVisibleAsync();
        await Expect(page.Locator("#new-client-secret")).ToHaveCountAsync(0); // shown once
    });

    [Fact]
    public Task NewSecret_TheOldOneStopsWorking_TheNewOneSignsIn() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("rotate");
        var user = $"console-rotate-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(user);
        var app = await server.RegisterClientAsync(authMethod: "client_secret_basic", applicationType: "web");
        await page.OpenAsync(server);
        await page.SignInAsync(server, login, totp);

        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = app.ClientId }).GetByRole(AriaRole.Button, new() { Name = "New secret" }).ClickAsync();

        var (clientId, secret) = await RevealedAsync(page);
        Assert.Equal(app.ClientId, clientId);
        Assert.Equal(401, (await PasswordGrantAsync(app.ClientId, app.ClientSecret!, user)).Status);
        Assert.Equal(200, (await PasswordGrantAsync(app.ClientId, secret, user)).Status);
    });

    [Fact]
    public Task SetUpYourApp_NativeAppWithASecret_TheApiErrorIsShownAtTheField() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("appsbad");
        await page.OpenAsync(server, "#apps/new");
        await page.SignInAsync(server, login, totp);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up your app" })).ToBeVisibleAsync();

        await page.Button("Create app").ClickAsync();

        var field = page.GetByLabel("App name");
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(field).ToBeFocusedAsync();
        await Expect(page.Locator(".field-error")).ToHaveTextAsync("client_name is required (at most 100 characters).");
    });
}
