using System.Text.Json;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests;

public sealed class UsersCliTests(CliServer server) : IClassFixture<CliServer>
{
    private const string Password = "a long cli passphrase";

    [Fact]
    public async Task UsersCreate_WithPassword_TableShowsUserAndUserCanSignIn()
    {
        var result = await server.AdminAsync("users", "create", "--login", "ada@example.com", "--first-name", "Ada", "--last-name", "Lovelace", "--password", Password);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ada@example.com", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ACTIVE", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Lovelace", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
        Assert.Equal(200, (await SignInAsync("ada@example.com", Password)).Status);
    }

    [Fact]
    public async Task UsersCreate_PasswordPipedOnStdin_UserSignsInWithIt()
    {
        var result = await CliProcess.RunAsync(server, ["admin", "users", "create", "--login", "piped@example.com"], stdin: "piped in passphrase\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(200, (await SignInAsync("piped@example.com", "piped in passphrase")).Status);
    }

    [Fact]
    public async Task UsersCreate_NoPasswordFlag_ProvisionedWithoutPassword()
    {
        var result = await server.AdminAsync("users", "create", "--login", "nopass@example.com", "--no-password", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var user = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("PROVISIONED", user.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UsersCreate_Duplicate_Exit1WithOneLineOktaError()
    {
        await server.AdminAsync("users", "create", "--login", "dup@example.com", "--password", Password);

        var result = await server.AdminAsync("users", "create", "--login", "dup@example.com", "--password", Password);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: A user with login dup@example.com already exists (", result.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("); nothing was created.", result.Stderr.TrimEnd('\n'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersCreate_WeakPassword_Exit1AndNoUser()
    {
        var result = await server.AdminAsync("users", "create", "--login", "weak@example.com", "--password", "password123");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Password requirements were not met", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(404, (await server.GetAsync("/api/v1/users/weak@example.com")).Status);
    }

    [Fact]
    public async Task UsersList_JsonAndSearch_MatchTheApi()
    {
        await server.AdminAsync("users", "create", "--login", "listed-one@example.com", "--password", Password);
        await server.AdminAsync("users", "create", "--login", "listed-two@example.com", "--password", Password);

        var json = await server.AdminAsync("users", "list", "--json");
        var search = await server.AdminAsync("users", "list", "--search", "profile.login eq \"listed-two@example.com\"");
        var q = await server.AdminAsync("users", "list", "--q", "listed-");

        Assert.True(json.ExitCode == 0, json.ToString());
        var (_, api) = await server.GetAsync("/api/v1/users");
        Assert.Equal(api.EnumerateArray().Select(u => u.GetProperty("id").GetString()), JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        Assert.Contains("listed-two@example.com", search.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("listed-one@example.com", search.Stdout, StringComparison.Ordinal);
        Assert.Contains("listed-one@example.com", q.Stdout, StringComparison.Ordinal);
        Assert.Contains("listed-two@example.com", q.Stdout, StringComparison.Ordinal);
        Assert.Contains("LOGIN", q.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersLifecycle_SuspendUnsuspendDeactivateActivateUnlock_StatusFollows()
    {
        await server.AdminAsync("users", "create", "--login", "cycle@example.com", "--password", Password);

        var suspend = await server.AdminAsync("users", "suspend", "cycle@example.com");
        Assert.True(suspend.ExitCode == 0, suspend.ToString());
        Assert.Contains("is now SUSPENDED", suspend.Stdout, StringComparison.Ordinal);
        Assert.Equal(400, (await SignInAsync("cycle@example.com", Password)).Status);

        Assert.Contains("is now ACTIVE", (await server.AdminAsync("users", "unsuspend", "cycle@example.com")).Stdout, StringComparison.Ordinal);
        Assert.Contains("is now DEPROVISIONED", (await server.AdminAsync("users", "deactivate", "cycle@example.com")).Stdout, StringComparison.Ordinal);
        Assert.Contains("is now ACTIVE", (await server.AdminAsync("users", "activate", "cycle@example.com")).Stdout, StringComparison.Ordinal);
        for (var i = 0; i < 3; i++) await SignInAsync("cycle@example.com", "not the passphrase");
        Assert.Equal(400, (await SignInAsync("cycle@example.com", Password)).Status);
        var locked = await server.AdminAsync("users", "get", "cycle@example.com", "--json");
        Assert.Equal("LOCKED_OUT", JsonDocument.Parse(locked.Stdout).RootElement.GetProperty("status").GetString());
        var unlock = await server.AdminAsync("users", "unlock", "cycle@example.com");
        Assert.True(unlock.ExitCode == 0, unlock.ToString());
        Assert.Contains("is now ACTIVE", unlock.Stdout, StringComparison.Ordinal);
        Assert.Equal(200, (await SignInAsync("cycle@example.com", Password)).Status);

        var again = await server.AdminAsync("users", "suspend", "nobody-here@example.com");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("E0000007", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersUpdateAndSetPassword_ProfileChangesAndOnlyNewPasswordWorks()
    {
        await server.AdminAsync("users", "create", "--login", "change-me@example.com", "--password", Password);

        var update = await server.AdminAsync("users", "update", "change-me@example.com", "--first-name", "Grace", "--mobile-phone", "+15550100199", "--json");
        var setPassword = await CliProcess.RunAsync(server, ["admin", "users", "set-password", "change-me@example.com"], stdin: "the replacement passphrase\n");

        Assert.True(update.ExitCode == 0, update.ToString());
        var profile = JsonDocument.Parse(update.Stdout).RootElement.GetProperty("profile");
        Assert.Equal("Grace", profile.GetProperty("firstName").GetString());
        Assert.Equal("+15550100199", profile.GetProperty("mobilePhone").GetString());
        Assert.True(setPassword.ExitCode == 0, setPassword.ToString());
        Assert.Contains("Password set for change-me@example.com", setPassword.Stdout, StringComparison.Ordinal);
        Assert.Equal(400, (await SignInAsync("change-me@example.com", Password)).Status);
        Assert.Equal(200, (await SignInAsync("change-me@example.com", "the replacement passphrase")).Status);
    }

    [Fact]
    public async Task UsersDelete_ActiveUser_GoneFromTheApi()
    {
        await server.AdminAsync("users", "create", "--login", "delete-me@example.com", "--password", Password);

        var result = await server.AdminAsync("users", "delete", "delete-me@example.com");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Deleted user delete-me@example.com", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(404, (await server.GetAsync("/api/v1/users/delete-me@example.com")).Status);
    }

    private async Task<(int Status, JsonElement Body)> SignInAsync(string username, string password) =>
        await server.TokenAsync(null, ("grant_type", "password"), ("client_id", await ClientAsync()), ("username", username), ("password", password), ("scope", "openid"));

    private string? _clientId;

    private async Task<string> ClientAsync() => _clientId ??= await server.RegisterPublicClientAsync();
}
