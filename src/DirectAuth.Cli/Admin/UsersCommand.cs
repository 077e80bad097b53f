using System.CommandLine;
using System.Text.Json;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin users ...</c>: the Users API.</summary>
public static class UsersCommand
{
    private static readonly string[] Lifecycle = ["activate", "deactivate", "suspend", "unsuspend", "unlock"];

    public static Command Create()
    {
        var users = new Command("users", "Create, find, change and delete users.");
        users.Subcommands.Add(CreateUser());
        users.Subcommands.Add(ListUsers());
        users.Subcommands.Add(GetUser());
        users.Subcommands.Add(UpdateUser());
        foreach (var operation in Lifecycle) users.Subcommands.Add(LifecycleCommand(operation));
        users.Subcommands.Add(DeleteUser());
        users.Subcommands.Add(SetPassword());
        return users;
    }

    private static Command CreateUser()
    {
        var login = new Option<string>("--login") { Description = "Sign-in name, usually an email address", Required = true };
        var email = new Option<string?>("--email") { Description = "Email (default: the login when it is one)" };
        var first = new Option<string?>("--first-name") { Description = "Given name" };
        var last = new Option<string?>("--last-name") { Description = "Family name" };
        var phone = new Option<string?>("--mobile-phone") { Description = "Mobile phone, E.164 (+15551234567)" };
        var password = new Option<string?>("--password") { Description = "Password (else prompted, or read from piped stdin)" };
        var noPassword = new Option<bool>("--no-password") { Description = "Create the user without a password (PROVISIONED)" };
        var staged = new Option<bool>("--staged") { Description = "Create the user STAGED instead of activating it" };
        var command = new Command("create", "Create a user.") { login, email, first, last, phone, password, noPassword, staged };
        AdminAction.Set(command, async c =>
        {
            var loginValue = c.Get(login)!;
            // Before the password prompt: typing a password twice only to learn the login is taken wastes the admin's time.
            if (await c.Api.FindAsync($"api/v1/users/{Uri.EscapeDataString(loginValue)}", c.Ct) is { } existing)
                throw new UsageException($"A user with login {loginValue} already exists ({existing.Json.Str("id")}); nothing was created.");
            var body = new Dictionary<string, object?>
            {
                ["profile"] = new Dictionary<string, string?>
                {
                    ["login"] = loginValue,
                    ["email"] = c.Get(email) ?? (loginValue.Contains('@', StringComparison.Ordinal) ? loginValue : null),
                    ["firstName"] = c.Get(first),
                    ["lastName"] = c.Get(last),
                    ["mobilePhone"] = c.Get(phone),
                },
            };
            if (!c.Get(noPassword)) body["credentials"] = new { password = new { value = PasswordInput.Read(c, c.Get(password)) } };
            var response = await c.Api.PostAsync($"api/v1/users?activate={(c.Get(staged) ? "false" : "true")}", body, c.Ct);
            c.Out.Print(response, () => ShowUser(c.Out, response.Json));
        });
        return command;
    }

    private static Command ListUsers()
    {
        var q = new Option<string?>("--q") { Description = "Users whose login, email, first or last name starts with this" };
        var search = new Option<string?>("--search") { Description = "Expression: field eq \"value\" [and ...] (profile.login, profile.email, status, ...)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many users (server maximum 200)" };
        var after = new Option<string?>("--after") { Description = "Continue after this user id (from a previous page)" };
        var command = new Command("list", "List or search users.") { q, search, limit, after };
        AdminAction.Set(command, async c =>
        {
            var query = Query(("q", c.Get(q)), ("search", c.Get(search)), ("limit", c.Get(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("after", c.Get(after)));
            var response = await c.Api.GetAsync("api/v1/users" + query, c.Ct);
            c.Out.Print(response, () =>
            {
                c.Out.Table(["ID", "LOGIN", "STATUS", "NAME", "EMAIL", "CREATED", "LAST LOGIN"], response.Json.Items().Select(u => new[]
                {
                    u.Str("id"), u.Str("profile", "login"), u.Str("status"),
                    string.Join(' ', new[] { u.Str("profile", "firstName"), u.Str("profile", "lastName") }.Where(s => !string.IsNullOrEmpty(s))),
                    u.Str("profile", "email"), u.Time("created"), u.Time("lastLogin"),
                }));
                if (response.NextLink is not null && response.Json.Items().LastOrDefault() is { ValueKind: JsonValueKind.Object } lastUser)
                    c.Out.Line($"More users: add --after {lastUser.Str("id")}");
            });
        });
        return command;
    }

    private static Command GetUser()
    {
        var id = new Argument<string>("user") { Description = "User id or login" };
        var command = new Command("get", "Show a user.") { id };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync($"api/v1/users/{Uri.EscapeDataString(c.Get(id))}", c.Ct);
            c.Out.Print(response, () => ShowUser(c.Out, response.Json));
        });
        return command;
    }

    private static Command UpdateUser()
    {
        var id = new Argument<string>("user") { Description = "User id or login" };
        var login = new Option<string?>("--login") { Description = "New login" };
        var email = new Option<string?>("--email") { Description = "New email (empty to clear)" };
        var first = new Option<string?>("--first-name") { Description = "New given name (empty to clear)" };
        var last = new Option<string?>("--last-name") { Description = "New family name (empty to clear)" };
        var phone = new Option<string?>("--mobile-phone") { Description = "New mobile phone (empty to clear)" };
        var command = new Command("update", "Change profile fields of a user; fields not given stay as they are.") { id, login, email, first, last, phone };
        AdminAction.Set(command, async c =>
        {
            var profile = new Dictionary<string, string?>();
            foreach (var (name, option) in new[] { ("login", login), ("email", email), ("firstName", first), ("lastName", last), ("mobilePhone", phone) })
                if (c.Parse.GetResult(option) is not null) profile[name] = c.Get(option) is { Length: > 0 } v ? v : null;
            if (profile.Count == 0) throw new UsageException("Nothing to change: give at least one of --login, --email, --first-name, --last-name, --mobile-phone.");
            var response = await c.Api.PostAsync($"api/v1/users/{Uri.EscapeDataString(c.Get(id))}", new { profile }, c.Ct);
            c.Out.Print(response, () => ShowUser(c.Out, response.Json));
        });
        return command;
    }

    private static Command LifecycleCommand(string operation)
    {
        var id = new Argument<string>("user") { Description = "User id or login" };
        var command = new Command(operation, $"{char.ToUpperInvariant(operation[0])}{operation[1..]} a user.") { id };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync($"api/v1/users/{Uri.EscapeDataString(c.Get(id))}/lifecycle/{operation}", null, c.Ct);
            c.Out.Print(response, () => c.Out.Line($"User {response.Json.Str("profile", "login")} ({response.Json.Str("id")}) is now {response.Json.Str("status")}."));
        });
        return command;
    }

    private static Command DeleteUser()
    {
        var id = new Argument<string>("user") { Description = "User id or login" };
        var command = new Command("delete", "Delete a user (deactivating it first if needed; this cannot be undone).") { id };
        AdminAction.Set(command, async c =>
        {
            var user = await c.Api.GetAsync($"api/v1/users/{Uri.EscapeDataString(c.Get(id))}", c.Ct);
            var userId = user.Json.Str("id")!;
            // Okta semantics: the first DELETE of a user that is not DEPROVISIONED deactivates it, the second deletes.
            if (user.Json.Str("status") != "DEPROVISIONED") await c.Api.DeleteAsync($"api/v1/users/{userId}", c.Ct);
            await c.Api.DeleteAsync($"api/v1/users/{userId}", c.Ct);
            if (!c.Out.Json) c.Out.Line($"Deleted user {user.Json.Str("profile", "login")} ({userId}).");
        });
        return command;
    }

    private static Command SetPassword()
    {
        var id = new Argument<string>("user") { Description = "User id or login" };
        var password = new Option<string?>("--password") { Description = "New password (else prompted, or read from piped stdin)" };
        var command = new Command("set-password", "Set a user's password; the user's refresh tokens are revoked.") { id, password };
        AdminAction.Set(command, async c =>
        {
            // Find the user before the password prompt, so an unknown user (or a refused token) fails first.
            var user = await c.Api.GetAsync($"api/v1/users/{Uri.EscapeDataString(c.Get(id))}", c.Ct);
            var value = PasswordInput.Read(c, c.Get(password));
            var response = await c.Api.PostAsync($"api/v1/users/{Uri.EscapeDataString(user.Json.Str("id")!)}",
                new { credentials = new { password = new { value } } }, c.Ct);
            c.Out.Print(response, () => c.Out.Line($"Password set for {response.Json.Str("profile", "login")} ({response.Json.Str("id")}); their sessions were ended."));
        });
        return command;
    }

    private static void ShowUser(AdminOutput output, JsonElement u) => output.Fields(
    [
        ("id", u.Str("id")), ("login", u.Str("profile", "login")), ("status", u.Str("status")),
        ("email", u.Str("profile", "email")), ("firstName", u.Str("profile", "firstName")), ("lastName", u.Str("profile", "lastName")),
        ("mobilePhone", u.Str("profile", "mobilePhone")), ("created", u.Time("created")), ("activated", u.Time("activated")),
        ("lastLogin", u.Time("lastLogin")), ("passwordChanged", u.Time("passwordChanged")), ("lastUpdated", u.Time("lastUpdated")),
    ]);

    /// <summary>A query string of the parameters that have a value.</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
