using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Management;

public sealed class UserUpdateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Update_SomeProfileFields_OnlyThoseChangeAndNullClears()
    {
        var id = await server.CreateUserAsync("partial@example.com", mobilePhone: "+15550100123");

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{id}",
            new { profile = new Dictionary<string, string?> { ["firstName"] = "Ada", ["mobilePhone"] = null } });

        Assert.Equal(200, status);
        var (_, fetched) = await server.GetJsonAsync($"/api/v1/users/{id}");
        foreach (var user in new[] { body, fetched })
        {
            var profile = user.GetProperty("profile");
            Assert.Equal("Ada", profile.GetProperty("firstName").GetString());
            Assert.Equal("User", profile.GetProperty("lastName").GetString());
            Assert.Equal("partial@example.com", profile.GetProperty("email").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, profile.GetProperty("mobilePhone").ValueKind);
            Assert.Equal("ACTIVE", user.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Update_Password_NewWorksOldFailsAndRefreshTokensRevoked()
    {
        var client = await server.RegisterClientAsync();
        var id = await server.CreateUserAsync("newpass@example.com");
        var (_, signedIn) = await server.PasswordGrantAsync(client.ClientId, "newpass@example.com", ServerFixture.DefaultPassword);
        var refreshToken = signedIn.GetProperty("refresh_token").GetString()!;

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{id}",
            new { credentials = new { password = new { value = "a brand new passphrase" } } });

        Assert.Equal(200, status);
        Assert.False(body.GetProperty("credentials").TryGetProperty("value", out _));
        var (oldStatus, oldBody) = await server.PasswordGrantAsync(client.ClientId, "newpass@example.com", ServerFixture.DefaultPassword);
        Assert.Equal(400, oldStatus);
        Assert.Equal("invalid_grant", oldBody.GetProperty("error").GetString());
        var (newStatus, _) = await server.PasswordGrantAsync(client.ClientId, "newpass@example.com", "a brand new passphrase");
        Assert.Equal(200, newStatus);
        var (refreshStatus, refreshBody) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", refreshToken)));
        Assert.Equal(400, refreshStatus);
        Assert.Equal("invalid_grant", refreshBody.GetProperty("error").GetString());

        var filter = Uri.EscapeDataString($"eventType eq \"user.account.update_password\" and target.id eq \"{id}\"");
        var (_, events) = await server.GetJsonAsync($"/api/v1/logs?filter={filter}");
        var e = Assert.Single(events.EnumerateArray());
        Assert.Equal("1", e.GetProperty("debugContext").GetProperty("debugData").GetProperty("revokedRefreshTokens").GetString());
    }

    [Fact]
    public async Task Update_Login_UserSignsInWithTheNewLogin()
    {
        var client = await server.RegisterClientAsync();
        var id = await server.CreateUserAsync("old-login@example.com");

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{id}", new { profile = new { login = "new-login@example.com" } });

        Assert.Equal(200, status);
        Assert.Equal("new-login@example.com", body.GetProperty("profile").GetProperty("login").GetString());
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, "new-login@example.com", ServerFixture.DefaultPassword)).Status);
        Assert.Equal(400, (await server.PasswordGrantAsync(client.ClientId, "old-login@example.com", ServerFixture.DefaultPassword)).Status);
    }

    [Theory]
    [InlineData("""{"credentials":{"password":{"value":"short"}}}""", "password")]
    [InlineData("""{"credentials":{"password":{"value":"password123"}}}""", "password")]
    [InlineData("""{"credentials":{"password":{"value":42}}}""", "password")]
    [InlineData("""{"credentials":{"recovery_question":{"question":"q"}}}""", "credentials.recovery_question")] // unknown fields are named by their path
    [InlineData("""{"profile":{"nickname":"x"}}""", "profile.nickname")]
    [InlineData("""{"profile":{"firstName":7}}""", "firstName")]
    [InlineData("""{"profile":{"login":""}}""", "login")]
    [InlineData("""{"profile":{"login":"taken@example.com"}}""", "login")]
    [InlineData("""{"profile":{"email":"not-an-email"}}""", "email")]
    [InlineData("""{"profile":"x"}""", "profile")]
    public async Task Update_InvalidBody_E0000001AndNothingChanges(string json, string field)
    {
        await EnsureUserAsync("taken@example.com");
        var id = await EnsureUserAsync("invalid-update@example.com");
        var (_, before) = await server.GetJsonAsync($"/api/v1/users/{id}");

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{id}", json);

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.ErrorCode());
        Assert.Equal($"Api validation failed: {field}", body.GetProperty("errorSummary").GetString());
        var (_, after) = await server.GetJsonAsync($"/api/v1/users/{id}");
        Assert.Equal(before.GetRawText(), after.GetRawText());
        var client = await server.RegisterClientAsync();
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, "invalid-update@example.com", ServerFixture.DefaultPassword)).Status);
    }

    [Theory]
    [InlineData("""{"profile":""")]
    [InlineData("""[]""")]
    [InlineData("""not json""")]
    public async Task Update_MalformedJson_E0000003(string json)
    {
        var id = await EnsureUserAsync("malformed-update@example.com");

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/api/v1/users/{id}", json);

        Assert.Equal(400, status);
        Assert.Equal("E0000003", body.ErrorCode());
    }

    [Fact]
    public async Task Update_UnknownUser_404E0000007()
    {
        var (status, body) = await server.SendAsync(HttpMethod.Post, "/api/v1/users/00uNOTAUSER", new { profile = new { firstName = "x" } });

        Assert.Equal(404, status);
        Assert.Equal("E0000007", body.ErrorCode());
    }

    private async Task<string> EnsureUserAsync(string login)
    {
        var (status, existing) = await server.GetJsonAsync($"/api/v1/users/{Uri.EscapeDataString(login)}");
        return status == 200 ? existing.GetProperty("id").GetString()! : await server.CreateUserAsync(login);
    }
}
