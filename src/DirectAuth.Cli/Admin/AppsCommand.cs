using System.CommandLine;
using System.Text.Json;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin apps ...</c>: OAuth clients through RFC 7591/7592 client registration.</summary>
public static class AppsCommand
{
    public static Command Create()
    {
        var apps = new Command("apps", "Register and manage apps (OAuth clients).");
        apps.Subcommands.Add(Register());
        apps.Subcommands.Add(List());
        apps.Subcommands.Add(Get());
        apps.Subcommands.Add(Update());
        apps.Subcommands.Add(NewSecret());
        apps.Subcommands.Add(Lifecycle("activate", "Activate a deactivated app."));
        apps.Subcommands.Add(Lifecycle("deactivate", "Deactivate an app: its client authentication fails and its refresh tokens end."));
        apps.Subcommands.Add(Delete());
        foreach (var grants in AppGrantsCommands.Create()) apps.Subcommands.Add(grants);
        return apps;
    }

    private sealed record MetadataOptions(Option<string?> Name, Option<string?> Type, Option<string[]> Grants, Option<string?> AuthMethod, Option<FileInfo?> Jwks)
    {
        public static MetadataOptions Make(bool nameRequired) => new(
            new Option<string?>("--name") { Description = "Display name (client_name)", Required = nameRequired },
            new Option<string?>("--type") { Description = "native (default), web, service or browser" },
            new Option<string[]>("--grant")
            {
                Description = "An enabled grant type; repeat for more (password, refresh_token, client_credentials, urn:okta:params:oauth:grant-type:otp, ...)",
                AllowMultipleArgumentsPerToken = true,
            },
            new Option<string?>("--auth-method") { Description = "none, client_secret_basic, client_secret_post or private_key_jwt" },
            new Option<FileInfo?>("--jwks-file") { Description = "JSON Web Key Set with the app's public keys (for private_key_jwt)" });

        public void AddTo(Command command)
        {
            command.Options.Add(Name);
            command.Options.Add(Type);
            command.Options.Add(Grants);
            command.Options.Add(AuthMethod);
            command.Options.Add(Jwks);
        }

        /// <summary>The RFC 7591 members that were given on the command line.</summary>
        public Dictionary<string, object?> Body(AdminContext c)
        {
            var body = new Dictionary<string, object?>();
            if (c.Get(Name) is { } name) body["client_name"] = name;
            if (c.Get(Type) is { } type) body["application_type"] = type;
            if (c.Get(Grants) is { Length: > 0 } grants) body["grant_types"] = grants;
            if (c.Get(AuthMethod) is { } method) body["token_endpoint_auth_method"] = method;
            if (c.Get(Jwks) is { } file) body["jwks"] = ReadJwks(file);
            return body;
        }
    }

    private static Command Register()
    {
        var options = MetadataOptions.Make(nameRequired: true);
        var command = new Command("register", "Register an app. A client secret is printed once: store it now.");
        options.AddTo(command);
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync("oauth2/v1/clients", options.Body(c), c.Ct);
            c.Out.Print(response, () => ShowApp(c.Out, response.Json));
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List apps.");
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync("oauth2/v1/clients", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["CLIENT ID", "NAME", "TYPE", "AUTH METHOD", "GRANTS", "STATUS"],
                response.Json.Items().Select(a => new[]
                {
                    a.Str("client_id"), a.Str("client_name"), a.Str("application_type"), a.Str("token_endpoint_auth_method"), a.Str("grant_types"), a.Str("status"),
                })));
        });
        return command;
    }

    private static Command Get()
    {
        var id = new Argument<string>("client-id") { Description = "The app's client_id" };
        var command = new Command("get", "Show an app.") { id };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync($"oauth2/v1/clients/{Uri.EscapeDataString(c.Get(id))}", c.Ct);
            c.Out.Print(response, () => ShowApp(c.Out, response.Json));
        });
        return command;
    }

    private static Command Update()
    {
        var id = new Argument<string>("client-id") { Description = "The app's client_id" };
        var options = MetadataOptions.Make(nameRequired: false);
        var command = new Command("update", "Change an app; what is not given stays as it is. Switching to a secret method prints a new secret once.") { id };
        options.AddTo(command);
        AdminAction.Set(command, async c =>
        {
            var body = options.Body(c);
            if (body.Count == 0) throw new UsageException("Nothing to change: give at least one of --name, --type, --grant, --auth-method, --jwks-file.");
            var response = await c.Api.PutAsync($"oauth2/v1/clients/{Uri.EscapeDataString(c.Get(id))}", body, c.Ct);
            c.Out.Print(response, () => ShowApp(c.Out, response.Json));
        });
        return command;
    }

    private static Command NewSecret()
    {
        var id = new Argument<string>("client-id") { Description = "The app's client_id" };
        var command = new Command("new-secret", "Replace an app's client secret. The old secret stops working now; the new one is printed once.") { id };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync($"oauth2/v1/clients/{Uri.EscapeDataString(c.Get(id))}/lifecycle/newSecret", null, c.Ct);
            c.Out.Print(response, () => c.Out.Important("New client secret (shown once)", response.Json.Str("client_secret") ?? ""));
        });
        return command;
    }

    private static Command Lifecycle(string operation, string description)
    {
        var id = new Argument<string>("client-id") { Description = "The app's client_id" };
        var command = new Command(operation, description) { id };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync($"oauth2/v1/clients/{Uri.EscapeDataString(c.Get(id))}/lifecycle/{operation}", null, c.Ct);
            c.Out.Print(response, () => c.Out.Line($"App {response.Json.Str("client_name")} ({response.Json.Str("client_id")}) is now {response.Json.Str("status")}."));
        });
        return command;
    }

    private static Command Delete()
    {
        var id = new Argument<string>("client-id") { Description = "The app's client_id" };
        var command = new Command("delete", "Delete an app and its refresh tokens (cannot be undone).") { id };
        AdminAction.Set(command, async c =>
        {
            await c.Api.DeleteAsync($"oauth2/v1/clients/{Uri.EscapeDataString(c.Get(id))}", c.Ct);
            if (!c.Out.Json) c.Out.Line($"Deleted app {c.Get(id)}.");
        });
        return command;
    }

    private static void ShowApp(AdminOutput output, JsonElement a)
    {
        output.Fields(
        [
            ("client_id", a.Str("client_id")), ("client_name", a.Str("client_name")), ("application_type", a.Str("application_type")),
            ("token_endpoint_auth_method", a.Str("token_endpoint_auth_method")), ("grant_types", a.Str("grant_types")), ("status", a.Str("status")),
            ("jwks keys", a.TryGetProperty("jwks", out var jwks) && jwks.TryGetProperty("keys", out var keys) ? keys.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) : null),
        ]);
        if (a.Str("client_secret") is { } secret) output.Important("Client secret (shown once, store it now)", secret);
    }

    private static JsonElement ReadJwks(FileInfo file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file.FullName));
            return document.RootElement.Clone();
        }
        catch (IOException e) { throw new UsageException($"Cannot read {file.FullName}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new UsageException($"Cannot read {file.FullName}: {e.Message}"); }
        catch (JsonException e) { throw new UsageException($"{file.FullName} is not JSON: {e.Message}"); }
    }
}
