using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Users;

/// <summary>
/// A suspended, deactivated or never activated user who gives the right password learns why there are no
/// tokens; a wrong password gets the generic answer, so the status leaks only to whoever knows the password.
/// </summary>
public sealed class InactiveUserSignInTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Generic = "The credentials provided were invalid.";

    public static TheoryData<string, string> Statuses => new()
    {
        { "suspend", "The user account is suspended. Ask an administrator to unsuspend it." },
        { "deactivate", "The user account is deactivated." },
        { "staged", "The user account is not activated." },
    };

    private async Task<string> CreateInStatusAsync(string login, string status)
    {
        using var admin = server.Admin();
        if (status == "staged")
        {
            var response = await admin.PostAsync("/api/v1/users?activate=false", System.Net.Http.Json.JsonContent.Create(new
            {
                profile = new { login, email = login },
                credentials = new { password = new { value = ServerFixture.DefaultPassword } },
            }));
            var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("STAGED", body.GetProperty("status").GetString());
            return body.GetProperty("id").GetString()!;
        }
        var id = await server.CreateUserAsync(login);
        Assert.Equal(200, (int)(await admin.PostAsync($"/api/v1/users/{id}/lifecycle/{status}", null)).StatusCode);
        return id;
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task PasswordGrant_InactiveUserRightPassword_ClearInvalidGrantAndNoTokens(string status, string message)
    {
        var client = await server.RegisterClientAsync();
        var login = $"{status}-right@example.com";
        await CreateInStatusAsync(login, status);

        var (code, body) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);

        Assert.Equal(400, code);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(message, body.GetProperty("error_description").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task PasswordGrant_InactiveUserWrongPassword_GenericInvalidGrant(string status, string message)
    {
        var client = await server.RegisterClientAsync();
        var login = $"{status}-wrong@example.com";
        await CreateInStatusAsync(login, status);

        var (code, body) = await server.PasswordGrantAsync(client.ClientId, login, "not the password at all");

        Assert.Equal(400, code);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(Generic, body.GetProperty("error_description").GetString());
        Assert.NotEqual(message, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task PasswordGrant_UnsuspendedUser_SignsInAgain()
    {
        var client = await server.RegisterClientAsync();
        var id = await CreateInStatusAsync("unsuspended@example.com", "suspend");
        using var admin = server.Admin();

        Assert.Equal(200, (int)(await admin.PostAsync($"/api/v1/users/{id}/lifecycle/unsuspend", null)).StatusCode);

        await server.SignInAsync(client.ClientId, "unsuspended@example.com");
    }
}
