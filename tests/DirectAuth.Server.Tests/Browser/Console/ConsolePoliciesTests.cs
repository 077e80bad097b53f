using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Observability;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>Sign-on policies: a rule changed in the console is what /token does next; groups by name.</summary>
public sealed class ConsolePoliciesTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    [Fact]
    public Task EditRule_SecondFactorAlways_TokenAnswersMfaRequired() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, adminId, totp) = await server.NewAdminAsync("policy");
        var user = $"console-policyuser-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(user);
        await server.EnrollTotpAsync(userId);
        var app = await server.RegisterClientAsync(MfaSteps.AllGrants);
        var policyName = "Payroll " + Guid.NewGuid().ToString("N")[..6];
        using (var api = server.Admin())
        {
            var policy = await (await api.PostAsJsonAsync("/api/v1/policies", new { name = policyName })).Content.ReadFromJsonAsync<JsonElement>();
            var policyId = policy.GetProperty("id").GetString();
            var rule = policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString();
            Assert.True((await api.PutAsJsonAsync($"/api/v1/policies/{policyId}/rules/{rule}", new { secondFactor = "none" })).IsSuccessStatusCode);
            Assert.True((await api.PutAsync($"/api/v1/apps/{app.ClientId}/policies/{policyId}", null)).IsSuccessStatusCode);
        }
        Assert.Equal(200, (await server.PasswordGrantAsync(app.ClientId, user, ServerFixture.DefaultPassword)).Status);
        await page.OpenAsync(server);
        await page.SignInAsync(server, login, totp);
        await page.GoToAsync("Sign-on policies", "Sign-on policies");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit rule Catch-all Rule of {policyName}" }).ClickAsync();
        await Expect(page.GetByLabel("Rule name")).ToBeFocusedAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Ask for a second factor" }).GetByLabel("Always").CheckAsync();
        await page.ScreenshotAsync("policy-rule");
        await page.Button("Save rule").ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync($"Rule Catch-all Rule of {policyName} saved.");
        await Expect(page.Locator($"section[aria-label='{policyName}']")).ToContainTextAsync("Always");
        var (status, body) = await server.PasswordGrantAsync(app.ClientId, user, ServerFixture.DefaultPassword);
        Assert.Equal((403, "mfa_required"), (status, body.GetProperty("error").GetString()));
        var updated = (await server.Factory.AuditEventsAsync(MfaEventTypes.PolicyRuleUpdated)).Last();
        Assert.Equal(("User", adminId), (updated.ActorType, updated.ActorId));
        await page.ScreenshotAsync("policies");
    });

    [Fact]
    public Task AddRule_ForAGroup_ShowsTheGroupByName() => ConsoleSteps.RunAsync(async page =>
    {
        var (login, _, totp) = await server.NewAdminAsync("rulegroup");
        var groupName = "Finance " + Guid.NewGuid().ToString("N")[..6];
        using (var api = server.Admin())
            Assert.True((await api.PostAsJsonAsync("/api/v1/groups", new { profile = new { name = groupName } })).IsSuccessStatusCode);
        await page.OpenAsync(server, "#policies");
        await page.SignInAsync(server, login, totp);

        var defaultPolicy = page.Locator("section[data-policy=default]");
        await defaultPolicy.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await page.GetByLabel("Rule name").FillAsync("Finance needs push");
        await page.GetByLabel(groupName).CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Push number challenge" }).GetByLabel("Always").CheckAsync();
        await page.Button("Add rule").ClickAsync();

        await Expect(defaultPolicy.GetByRole(AriaRole.Row).Filter(new() { HasText = "Finance needs push" })).ToContainTextAsync(groupName);
    });
}
