using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests;

public sealed class AppsCliTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task AppsRegister_ServiceApp_SecretShownOnceAndWorks()
    {
        var result = await server.AdminAsync("apps", "register", "--name", "Billing job", "--type", "service", "--grant", "client_credentials", "--auth-method", "client_secret_basic");

        Assert.True(result.ExitCode == 0, result.ToString());
        var secretLine = result.Stdout.Split('\n').Single(l => l.StartsWith("Client secret (shown once", StringComparison.Ordinal));
        var secret = secretLine[(secretLine.IndexOf("): ", StringComparison.Ordinal) + 3)..].Trim();
        var clientId = ClientIdFromTable(result.Stdout);
        Assert.Equal(200, (await ClientCredentialsAsync(clientId, secret)).Status);
        var get = await server.AdminAsync("apps", "get", clientId);
        Assert.Contains("Billing job", get.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, get.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsGrant_MyAccountScopes_ListedThenRevoked_UnknownScopeRefused()
    {
        var clientId = await server.RegisterPublicClientAsync();

        var grant = await server.AdminAsync("apps", "grant", clientId, "okta.myAccount.authenticators.manage", "okta.myAccount.phone.manage");
        var listed = await server.AdminAsync("apps", "grants", clientId);
        var unknown = await server.AdminAsync("apps", "grant", clientId, "okta.users.manage");
        var revoke = await server.AdminAsync("apps", "revoke-grant", clientId, "okta.myAccount.phone.manage");
        var (_, afterRevoke) = await server.GetAsync($"/api/v1/apps/{clientId}/grants");

        Assert.True(grant.ExitCode == 0, grant.ToString());
        Assert.Contains($"Granted okta.myAccount.authenticators.manage to app {clientId}.", grant.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Granted okta.myAccount.phone.manage to app {clientId}.", grant.Stdout, StringComparison.Ordinal);
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("okta.myAccount.authenticators.manage", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("okta.myAccount.phone.manage", listed.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("okta.users.manage", unknown.Stderr, StringComparison.Ordinal);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Equal("okta.myAccount.authenticators.manage", Assert.Single(afterRevoke.EnumerateArray()).GetProperty("scopeId").GetString());
    }

    [Fact]
    public async Task AppsNewSecret_OldSecretRefusedNewAccepted()
    {
        var (clientId, oldSecret) = await RegisterServiceAppAsync();

        var result = await server.AdminAsync("apps", "new-secret", clientId, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var newSecret = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("client_secret").GetString()!;
        var (oldStatus, oldBody) = await ClientCredentialsAsync(clientId, oldSecret);
        Assert.Equal(401, oldStatus);
        Assert.Equal("invalid_client", oldBody.GetProperty("error").GetString());
        Assert.Equal(200, (await ClientCredentialsAsync(clientId, newSecret)).Status);
    }

    [Fact]
    public async Task AppsDeactivateActivate_ClientAuthFollowsStatus()
    {
        var (clientId, secret) = await RegisterServiceAppAsync();

        var deactivate = await server.AdminAsync("apps", "deactivate", clientId);
        var whileInactive = await ClientCredentialsAsync(clientId, secret);
        var activate = await server.AdminAsync("apps", "activate", clientId);

        Assert.True(deactivate.ExitCode == 0, deactivate.ToString());
        Assert.Contains("is now INACTIVE", deactivate.Stdout, StringComparison.Ordinal);
        Assert.Equal(401, whileInactive.Status);
        Assert.Equal("invalid_client", whileInactive.Body.GetProperty("error").GetString());
        Assert.Contains("is now ACTIVE", activate.Stdout, StringComparison.Ordinal);
        Assert.Equal(200, (await ClientCredentialsAsync(clientId, secret)).Status);
    }

    [Fact]
    public async Task AppsUpdateListDelete_ChangesShowAndDeleteRemoves()
    {
        var (clientId, _) = await RegisterServiceAppAsync();

        var update = await server.AdminAsync("apps", "update", clientId, "--name", "Renamed job");
        var list = await server.AdminAsync("apps", "list");
        var delete = await server.AdminAsync("apps", "delete", clientId);
        var afterDelete = await server.AdminAsync("apps", "get", clientId);

        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Contains("Renamed job", update.Stdout, StringComparison.Ordinal);
        Assert.Contains(clientId, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("Renamed job", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal(1, afterDelete.ExitCode);
        Assert.Contains("(E0000007, HTTP 404)", afterDelete.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsRegister_NativeAppWithSecret_Exit1WithOAuthErrorLine()
    {
        var result = await server.AdminAsync("apps", "register", "--name", "Phone app", "--type", "native", "--auth-method", "client_secret_basic");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal("Error: invalid_client_metadata: A native app cannot keep a client secret; use token_endpoint_auth_method 'none' or 'private_key_jwt'. (HTTP 400)",
            result.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task AppsRegister_JwksFileMissing_Exit1AndNothingRegistered()
    {
        var before = (await server.GetAsync("/oauth2/v1/clients")).Body.GetArrayLength();

        var result = await server.AdminAsync("apps", "register", "--name", "Keyed", "--auth-method", "private_key_jwt", "--jwks-file", "/nonexistent/jwks.json");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Error: Cannot read /nonexistent/jwks.json", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, (await server.GetAsync("/oauth2/v1/clients")).Body.GetArrayLength());
    }

    private async Task<(string ClientId, string Secret)> RegisterServiceAppAsync()
    {
        var result = await server.AdminAsync("apps", "register", "--name", "Service " + Guid.NewGuid().ToString("N")[..6], "--type", "service",
            "--grant", "client_credentials", "--auth-method", "client_secret_basic", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var body = JsonDocument.Parse(result.Stdout).RootElement;
        return (body.GetProperty("client_id").GetString()!, body.GetProperty("client_secret").GetString()!);
    }

    private Task<(int Status, JsonElement Body)> ClientCredentialsAsync(string clientId, string secret) =>
        server.TokenAsync(new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}"))),
            ("grant_type", "client_credentials"));

    private static string ClientIdFromTable(string table)
    {
        var row = table.Split('\n').Single(l => l.Contains(" client_id ", StringComparison.Ordinal));
        return row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1];
    }
}
