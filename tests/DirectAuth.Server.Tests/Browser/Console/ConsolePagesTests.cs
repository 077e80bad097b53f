using DirectAuth.Server.AdminConsole;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Observability;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>Groups, the system log and the outbox in the console.</summary>
public sealed class ConsolePagesTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public Task Groups_CreateOneAndAddAMemberByLogin() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, adminId, totp) = await server.NewAdminAsync("groups");
        var member = $"console-member-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(member);
        var name = "Ops " + Guid.NewGuid().ToString("N")[..6];
        await page.OpenAsync(server, "#groups");
        await page.SignInAsync(server, login, totp);

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.Button("Create group").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.GetByText("No members yet.")).ToBeVisibleAsync();
        await page.GetByLabel("Login of the user to add").FillAsync("nobody@example.com");
        await page.Button("Add member").ClickAsync();
        await Expect(page.Locator(".field-error")).ToHaveTextAsync("No user with the login nobody@example.com.");
        await page.GetByLabel("Login of the user to add").FillAsync(member);
        await page.Button("Add member").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = member })).ToBeVisibleAsync();
        var created = Assert.Single(await server.Factory.AuditEventsAsync(MfaEventTypes.GroupCreated, name));
        Assert.Equal(adminId, created.ActorId);
    });

    [Fact]
    public Task SystemLog_FilteredByTypeAndActor_ShowsTheConsoleSignIn() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("logs");
        await page.OpenAsync(server, "#logs");
        await page.SignInAsync(server, login, totp);

        await page.GetByLabel("Event type").FillAsync(ConsoleEventTypes.SessionStarted);
        await page.GetByLabel("Actor (login)").FillAsync(login);
        await page.Button("Show events").ClickAsync();

        var rows = page.Locator("#log-rows tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("Admin console session started");
        await page.ScreenshotAsync("system-log");
        await page.GetByLabel("Event type").FillAsync("no.such.event");
        await page.Button("Show events").ClickAsync();
        await Expect(page.GetByText("No events match.")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Outbox_ShowsTheCodeTextedToAPhone() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("outbox");
        var userId = await server.CreateUserAsync($"console-outboxuser-{Guid.NewGuid():N}@example.com");
        var phone = Phone.PhoneSteps.NewPhone();
        await Phone.PhoneSteps.EnrollOkAsync(server, userId, "sms", phone);
        await page.OpenAsync(server, "#outbox");
        await page.SignInAsync(server, login, totp);

        await page.GetByLabel("Phone number").FillAsync(phone);
        await page.Button("Show").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = phone })).ToContainTextAsync(await Phone.PhoneSteps.LatestCodeAsync(server, phone));
    });

    [Fact]
    public Task Servers_RotateTheSigningKey_AndAddAScope() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, adminId, totp) = await server.NewAdminAsync("servers");
        var scope = "payroll:" + Guid.NewGuid().ToString("N")[..6];
        await page.OpenAsync(server, "#servers");
        await page.SignInAsync(server, login, totp);
        await page.GetByRole(AriaRole.Link, new() { Name = "default", Exact = true }).ClickAsync();

        await page.Button("Rotate signing key").ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Signing key rotated:");
        var kid = System.Text.RegularExpressions.Regex.Match(await page.Locator("#status").InnerTextAsync(), "rotated: (\\S+) is active").Groups[1].Value;
        var jwks = await server.Http.GetStringAsync("/oauth2/default/v1/keys");
        Assert.Contains(kid, jwks);
        var rotated = (await server.Factory.AuditEventsAsync(Observability.EventTypes.KeyRotated)).Last();
        Assert.Equal(adminId, rotated.ActorId);

        await page.GetByLabel("Scope", new() { Exact = true }).FillAsync(scope);
        await page.Button("Add scope").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = scope, Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync("authorization-server");
    });
}
