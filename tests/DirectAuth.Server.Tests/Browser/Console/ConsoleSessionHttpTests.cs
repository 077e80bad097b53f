using System.Net.Http.Json;
using DirectAuth.Server.AdminConsole;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Observability;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>
/// The console's session as the management API sees it, over HTTP: a change needs the CSRF token, the admins' group
/// is checked on every request, the session ends when idle or too old, and the admin is the actor in the system log.
/// </summary>
public sealed class ConsoleSessionHttpTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private static HttpRequestMessage NewGroup(string? csrf)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/groups")
        {
            Content = JsonContent.Create(new { profile = new { name = "console-group-" + Guid.NewGuid().ToString("N")[..8] } }),
        };
        if (csrf is not null) request.Headers.Add(ConsoleSessions.CsrfHeader, csrf);
        return request;
    }

    [Fact]
    public async Task Change_WithoutOrWithAWrongCsrfToken_Refused403_WithItDoneWithTheAdminAsActor()
    {
        var (login, userId, totp) = await server.NewAdminAsync("csrf");
        var (client, csrf) = await server.HttpSessionAsync(login, totp);
        using var _ = client;

        var (missing, missingBody) = await ServerFixture.ReadAsync(await client.SendAsync(NewGroup(null)));
        var (wrong, wrongBody) = await ServerFixture.ReadAsync(await client.SendAsync(NewGroup(csrf[..^2] + "xx")));
        var (done, group) = await ServerFixture.ReadAsync(await client.SendAsync(NewGroup(csrf)));

        Assert.Equal((403, "E0000006"), (missing, missingBody.GetProperty("errorCode").GetString()));
        Assert.Equal((403, "E0000006"), (wrong, wrongBody.GetProperty("errorCode").GetString()));
        Assert.Equal(200, done);
        Assert.NotEmpty(await server.Factory.AuditEventsAsync(ConsoleEventTypes.CsrfRefused));
        var created = Assert.Single(await server.Factory.AuditEventsAsync(MfaEventTypes.GroupCreated, group.GetProperty("id").GetString()));
        Assert.Equal(("User", userId, login), (created.ActorType, created.ActorId, created.ActorAlternateId));
        // A read needs no CSRF token; the API token still works and stays the actor "admin".
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/v1/users?limit=1")).StatusCode);
    }

    [Fact]
    public async Task Session_AdminRemovedFromTheGroup_NextRequestRefused401()
    {
        var (login, userId, totp) = await server.NewAdminAsync("removed");
        var (client, _) = await server.HttpSessionAsync(login, totp);
        using var __ = client;
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/v1/groups")).StatusCode);

        using var api = server.Admin();
        var groups = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/groups?q=" + Uri.EscapeDataString(ConsoleOptions.DefaultAdminGroup));
        var groupId = groups[0].GetProperty("id").GetString();
        Assert.True((await api.DeleteAsync($"/api/v1/groups/{groupId}/users/{userId}")).IsSuccessStatusCode);

        var (status, body) = await ServerFixture.ReadAsync(await client.GetAsync("/api/v1/groups"));
        Assert.Equal((401, "E0000011"), (status, body.GetProperty("errorCode").GetString()));
        Assert.Equal(401, (await ServerFixture.ReadAsync(await client.GetAsync("/console/session"))).Status);
    }

    [Fact]
    public async Task Session_IdleTimeoutAndAbsoluteLifetime_EndIt()
    {
        var (login, _, totp) = await server.NewAdminAsync("lifetime");
        var (client, _) = await server.HttpSessionAsync(login, totp);
        using var __ = client;
        var options = new ConsoleOptions();

        // Busy: every request moves the idle end, until the absolute lifetime is reached.
        var step = TimeSpan.FromSeconds(options.IdleTimeoutSeconds - 60);
        var elapsed = TimeSpan.Zero;
        while (elapsed + step < TimeSpan.FromSeconds(options.MaxLifetimeSeconds))
        {
            server.Clock.Advance(step);
            elapsed += step;
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/v1/groups")).StatusCode);
        }
        server.Clock.Advance(step);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/groups")).StatusCode);

        // Idle: one request after the idle timeout is refused.
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var (again, _) = await server.HttpSessionAsync(login, totp);
        using var ___ = again;
        server.Clock.Advance(TimeSpan.FromSeconds(options.IdleTimeoutSeconds + 1));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await again.GetAsync("/api/v1/groups")).StatusCode);
    }

    [Fact]
    public async Task StartSession_TokenOfAnotherAppOrForgedOrMalformed_Refused()
    {
        var login = $"console-otherapp-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        await server.AddToGroupAsync(ConsoleOptions.DefaultAdminGroup, userId);
        var app = await server.RegisterClientAsync();
        var (status, token) = await server.PasswordGrantAsync(app.ClientId, login, ServerFixture.DefaultPassword);
        Assert.True(status == 200, token.ToString());
        using var client = new HttpClient { BaseAddress = new Uri(server.Origin) };
        StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

        var (other, otherBody) = await ServerFixture.ReadAsync(await client.PostAsync("/console/session",
            Json(System.Text.Json.JsonSerializer.Serialize(new { access_token = token.GetProperty("access_token").GetString() }))));
        var (forged, forgedBody) = await ServerFixture.ReadAsync(await client.PostAsync("/console/session", Json("{\"access_token\":\"eyJhbGciOiJSUzI1NiJ9.e30.x\"}")));
        var (malformed, malformedBody) = await ServerFixture.ReadAsync(await client.PostAsync("/console/session", Json("{")));
        var (form, _) = await ServerFixture.ReadAsync(await client.PostAsync("/console/session", new FormUrlEncodedContent([KeyValuePair.Create("access_token", "x")])));

        Assert.Equal((401, "invalid_token"), (other, otherBody.GetProperty("error").GetString()));
        Assert.Equal((401, "invalid_token"), (forged, forgedBody.GetProperty("error").GetString()));
        Assert.Equal((400, "invalid_request"), (malformed, malformedBody.GetProperty("error").GetString()));
        Assert.Equal(415, form);
    }
}
