using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// Issue 14 item 7: the OpenAPI documents rendered by Scalar at <c>/api-reference/</c> when enabled, loading
/// nothing from outside the server; a production server without the setting does not serve it.
/// </summary>
public sealed class ApiReferenceTests(ApiReferenceServer server) : IClassFixture<ApiReferenceServer>
{
    // Scalar renders in the browser after loading a large script: on a busy machine that takes more than the default 5 s.
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };

    [Fact]
    public Task Enabled_RendersTheManagementAndMyAccountApis_FromTheServerAlone() => SharedBrowser.RunAsync(async page =>
    {
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.Origin + "/", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                lock (elsewhere) elsewhere.Add(request.Url);
        };

        await page.GotoAsync(server.Origin + "/api-reference");
        await Expect(page.GetByText("DirectAuth management API").First).ToBeVisibleAsync(Slow);
        foreach (var tag in new[] { "Factors", "Groups", "Policies", "Apps (OAuth clients)", "Authorization servers", "System log" })
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = tag, Exact = true })).ToBeVisibleAsync(Slow);
        await SharedBrowser.ScreenshotAsync(page, "api-reference", "operations", "api-reference", fullPage: false);
        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Get a user by id or login").First).ToBeVisibleAsync(Slow);

        await page.GotoAsync(server.Origin + "/api-reference/myaccount");
        await Expect(page.GetByText("DirectAuth MyAccount API").First).ToBeVisibleAsync(Slow);
        await page.GetByRole(AriaRole.Link, new() { Name = "MyAccount (self-service)", Exact = true }).ClickAsync();
        await Expect(page.GetByText("List my factors").First).ToBeVisibleAsync(Slow);
        lock (elsewhere) Assert.Empty(elsewhere);
    });
}

/// <summary>Without <c>ApiReference:Enabled</c> a production server has no reference UI; its OpenAPI documents stay readable.</summary>
public sealed class ApiReferenceOffTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/api-reference")]
    [InlineData("/api-reference/")]
    [InlineData("/api-reference/scalar.js")]
    public async Task NotEnabled_404(string path) =>
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.Http.GetAsync(path)).StatusCode);

    [Theory]
    [InlineData("/openapi/v1.json", "DirectAuth management API")]
    [InlineData("/openapi/myaccount.json", "DirectAuth MyAccount API")]
    public async Task OpenApiDocuments_ServedEitherWay(string path, string title)
    {
        var response = await server.Http.GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(title, document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }
}
