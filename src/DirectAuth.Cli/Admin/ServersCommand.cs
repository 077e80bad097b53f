using System.CommandLine;
using System.Text.Json;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin servers ...</c>: authorization servers and their custom scopes.</summary>
public static class ServersCommand
{
    public static Command Create()
    {
        var servers = new Command("servers", "Create and change authorization servers and their scopes.");
        servers.Subcommands.Add(List());
        servers.Subcommands.Add(Get());
        servers.Subcommands.Add(CreateServer());
        servers.Subcommands.Add(Update());
        servers.Subcommands.Add(Scopes());
        return servers;
    }

    private static Command List()
    {
        var command = new Command("list", "List authorization servers.");
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync("api/v1/authorizationServers", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["ID", "NAME", "AUDIENCE", "ALG", "STATUS", "ISSUER"],
                response.Json.Items().Select(s => new[] { s.Str("id"), s.Str("name"), s.Str("audiences"), s.Str("signingAlg"), s.Str("status"), s.Str("issuer") })));
        });
        return command;
    }

    private static Command Get()
    {
        var id = new Argument<string>("server") { Description = "Authorization server id (org, default, aus...)" };
        var command = new Command("get", "Show an authorization server.") { id };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync($"api/v1/authorizationServers/{Uri.EscapeDataString(c.Get(id))}", c.Ct);
            c.Out.Print(response, () => ShowServer(c.Out, response.Json));
        });
        return command;
    }

    private static Command CreateServer()
    {
        var name = new Option<string>("--name") { Description = "Name (unique)", Required = true };
        var audience = new Option<string>("--audience") { Description = "The aud of its access tokens, e.g. api://orders", Required = true };
        var description = new Option<string?>("--description") { Description = "Description" };
        var alg = new Option<string?>("--alg") { Description = "Signing algorithm: RS256 (default) or ES256" };
        var command = new Command("create", "Create a custom authorization server (with its signing keys).") { name, audience, description, alg };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync("api/v1/authorizationServers", new
            {
                name = c.Get(name), description = c.Get(description), audiences = new[] { c.Get(audience) }, signingAlg = c.Get(alg) ?? "RS256",
            }, c.Ct);
            c.Out.Print(response, () => ShowServer(c.Out, response.Json));
        });
        return command;
    }

    private static Command Update()
    {
        var id = new Argument<string>("server") { Description = "Authorization server id" };
        var name = new Option<string?>("--name") { Description = "New name" };
        var audience = new Option<string?>("--audience") { Description = "New audience (not for the org server)" };
        var description = new Option<string?>("--description") { Description = "New description" };
        var alg = new Option<string?>("--alg") { Description = "New signing algorithm, RS256 or ES256 (new keys are made and sign at once)" };
        var command = new Command("update", "Change an authorization server; what is not given stays as it is.") { id, name, audience, description, alg };
        AdminAction.Set(command, async c =>
        {
            if (c.Get(name) is null && c.Get(audience) is null && c.Get(description) is null && c.Get(alg) is null)
                throw new UsageException("Nothing to change: give at least one of --name, --audience, --description, --alg.");
            var path = $"api/v1/authorizationServers/{Uri.EscapeDataString(c.Get(id))}";
            var current = (await c.Api.GetAsync(path, c.Ct)).Json;
            var body = new Dictionary<string, object?>
            {
                ["name"] = c.Get(name) ?? current.Str("name"),
                ["description"] = c.Get(description) ?? current.Str("description"),
                ["signingAlg"] = c.Get(alg) ?? current.Str("signingAlg"),
            };
            // The org server's audience is its issuer and is not sent; others keep theirs unless --audience is given.
            if (c.Get(audience) is { } newAudience) body["audiences"] = new[] { newAudience };
            else if (current.Str("id") != "org") body["audiences"] = current.GetProperty("audiences");
            var response = await c.Api.PutAsync(path, body, c.Ct);
            c.Out.Print(response, () => ShowServer(c.Out, response.Json));
        });
        return command;
    }

    private static Command Scopes()
    {
        var scopes = new Command("scopes", "List, add and delete custom scopes of an authorization server.");

        var listServer = new Argument<string>("server") { Description = "Authorization server id" };
        var list = new Command("list", "List the scopes (OIDC and custom).") { listServer };
        AdminAction.Set(list, async c =>
        {
            var response = await c.Api.GetAsync($"api/v1/authorizationServers/{Uri.EscapeDataString(c.Get(listServer))}/scopes", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["NAME", "KIND", "DESCRIPTION"], response.Json.Items().Select(s => new[]
            {
                s.Str("name"), s.Str("system") == "true" ? "OIDC" : "custom", s.Str("description"),
            })));
        });

        var addServer = new Argument<string>("server") { Description = "Authorization server id" };
        var addName = new Argument<string>("name") { Description = "Scope name (printable ASCII, no spaces)" };
        var addDescription = new Option<string?>("--description") { Description = "What the scope grants" };
        var add = new Command("add", "Add a custom scope.") { addServer, addName, addDescription };
        AdminAction.Set(add, async c =>
        {
            var response = await c.Api.PostAsync($"api/v1/authorizationServers/{Uri.EscapeDataString(c.Get(addServer))}/scopes",
                new { name = c.Get(addName), description = c.Get(addDescription) }, c.Ct);
            c.Out.Print(response, () => c.Out.Line($"Added scope {response.Json.Str("name")} to {c.Get(addServer)}."));
        });

        var deleteServer = new Argument<string>("server") { Description = "Authorization server id" };
        var deleteName = new Argument<string>("name") { Description = "Scope name" };
        var delete = new Command("delete", "Delete a custom scope.") { deleteServer, deleteName };
        AdminAction.Set(delete, async c =>
        {
            await c.Api.DeleteAsync($"api/v1/authorizationServers/{Uri.EscapeDataString(c.Get(deleteServer))}/scopes/{Uri.EscapeDataString(c.Get(deleteName))}", c.Ct);
            if (!c.Out.Json) c.Out.Line($"Deleted scope {c.Get(deleteName)} from {c.Get(deleteServer)}.");
        });

        scopes.Subcommands.Add(list);
        scopes.Subcommands.Add(add);
        scopes.Subcommands.Add(delete);
        return scopes;
    }

    private static void ShowServer(AdminOutput output, JsonElement s) => output.Fields(
    [
        ("id", s.Str("id")), ("name", s.Str("name")), ("description", s.Str("description")), ("audiences", s.Str("audiences")),
        ("issuer", s.Str("issuer")), ("signingAlg", s.Str("signingAlg")), ("active kid", s.Str("credentials", "signing", "kid")),
        ("status", s.Str("status")), ("created", s.Time("created")), ("lastUpdated", s.Time("lastUpdated")),
    ]);
}
