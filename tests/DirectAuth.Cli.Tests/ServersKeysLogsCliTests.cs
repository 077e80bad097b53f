using System.Text.Json;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests;

public sealed class ServersKeysLogsCliTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task ServersCreate_Es256_ListedAndDiscoveryListsEs256()
    {
        var create = await server.AdminAsync("servers", "create", "--name", "Orders", "--audience", "api://orders", "--alg", "ES256", "--json");

        Assert.True(create.ExitCode == 0, create.ToString());
        var id = JsonDocument.Parse(create.Stdout).RootElement.GetProperty("id").GetString()!;
        var list = await server.AdminAsync("servers", "list");
        var row = list.Stdout.Split('\n').Single(l => l.Contains(id, StringComparison.Ordinal));
        Assert.Contains("api://orders", row, StringComparison.Ordinal);
        Assert.Contains("ES256", row, StringComparison.Ordinal);
        using var http = server.Http();
        var discovery = JsonDocument.Parse(await http.GetStringAsync($"/oauth2/{id}/.well-known/openid-configuration")).RootElement;
        Assert.Equal("ES256", discovery.GetProperty("id_token_signing_alg_values_supported")[0].GetString());
    }

    [Fact]
    public async Task ServersUpdate_NameOnly_AudienceAndAlgKept()
    {
        var create = await server.AdminAsync("servers", "create", "--name", "Before rename", "--audience", "api://kept", "--alg", "ES256", "--json");
        var id = JsonDocument.Parse(create.Stdout).RootElement.GetProperty("id").GetString()!;

        var update = await server.AdminAsync("servers", "update", id, "--name", "After rename");
        var get = await server.AdminAsync("servers", "get", id, "--json");

        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Contains("After rename", update.Stdout, StringComparison.Ordinal);
        var body = JsonDocument.Parse(get.Stdout).RootElement;
        Assert.Equal("After rename", body.GetProperty("name").GetString());
        Assert.Equal("api://kept", body.GetProperty("audiences")[0].GetString());
        Assert.Equal("ES256", body.GetProperty("signingAlg").GetString());
    }

    [Fact]
    public async Task ServersScopes_AddListDelete_Follows()
    {
        var add = await server.AdminAsync("servers", "scopes", "add", "default", "reports:read", "--description", "Read reports");
        var list = await server.AdminAsync("servers", "scopes", "list", "default");
        var bad = await server.AdminAsync("servers", "scopes", "add", "default", "has space");
        var delete = await server.AdminAsync("servers", "scopes", "delete", "default", "reports:read");
        var after = await server.AdminAsync("servers", "scopes", "list", "default", "--json");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains(list.Stdout.Split('\n'), l => l.Contains("reports:read", StringComparison.Ordinal) && l.Contains("Read reports", StringComparison.Ordinal));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Api validation failed: name", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, delete.ExitCode);
        Assert.DoesNotContain(JsonDocument.Parse(after.Stdout).RootElement.EnumerateArray(), s => s.GetProperty("name").GetString() == "reports:read");
    }

    [Fact]
    public async Task KeysRotate_NextKeyBecomesActive()
    {
        var create = await server.AdminAsync("servers", "create", "--name", "Rotating", "--audience", "api://rotating", "--json");
        var id = JsonDocument.Parse(create.Stdout).RootElement.GetProperty("id").GetString()!;
        var before = JsonDocument.Parse((await server.AdminAsync("keys", "list", id, "--json")).Stdout).RootElement;
        var next = before.EnumerateArray().Single(k => k.GetProperty("status").GetString() == "NEXT").GetProperty("kid").GetString()!;
        var active = before.EnumerateArray().Single(k => k.GetProperty("status").GetString() == "ACTIVE").GetProperty("kid").GetString()!;

        var rotate = await server.AdminAsync("keys", "rotate", id);
        var table = await server.AdminAsync("keys", "list", id);

        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        Assert.Equal($"Rotated {id}: key {next} (RS256) now signs.", rotate.Stdout.TrimEnd('\n'));
        Assert.Contains(table.Stdout.Split('\n'), l => l.Contains(next, StringComparison.Ordinal) && l.Contains("ACTIVE", StringComparison.Ordinal));
        Assert.Contains(table.Stdout.Split('\n'), l => l.Contains(active, StringComparison.Ordinal) && l.Contains("EXPIRED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeysList_UnknownServer_Exit1NotFound()
    {
        var result = await server.AdminAsync("keys", "list", "aus-missing");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: Not found: Resource not found: aus-missing (AuthorizationServer) (E0000007, HTTP 404)", result.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task Logs_TypeSinceAndLimit_OnlyThoseEvents()
    {
        await server.AdminAsync("users", "create", "--login", "logged-1@example.com", "--no-password");
        await server.AdminAsync("users", "create", "--login", "logged-2@example.com", "--no-password");

        var json = await server.AdminAsync("logs", "--type", "user.lifecycle.create", "--since", "1h", "--limit", "1", "--json");
        var table = await server.AdminAsync("logs", "--type", "user.lifecycle.create", "--since", "1h");
        var newest = await server.AdminAsync("logs", "--type", "user.lifecycle.create", "--newest-first", "--limit", "1", "--json");

        Assert.True(json.ExitCode == 0, json.ToString());
        var events = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("user.lifecycle.create", Assert.Single(events.EnumerateArray()).GetProperty("eventType").GetString());
        Assert.Contains(table.Stdout.Split('\n'), l => l.Contains("user.lifecycle.create", StringComparison.Ordinal) && l.Contains("logged-1@example.com", StringComparison.Ordinal));
        Assert.Contains(table.Stdout.Split('\n'), l => l.Contains("logged-2@example.com", StringComparison.Ordinal));
        Assert.Equal("logged-2@example.com", JsonDocument.Parse(newest.Stdout).RootElement[0].GetProperty("target")[0].GetProperty("alternateId").GetString());
    }

    [Theory]
    [InlineData("--since", "last tuesday", "since")]
    [InlineData("--until", "13/13/2020", "until")]
    [InlineData("--limit", "0", "limit")]
    public async Task Logs_BadOption_Exit1WithTheApiError(string option, string value, string field)
    {
        var result = await server.AdminAsync("logs", option, value);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"Error: Api validation failed: {field}", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }
}
