using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin ...</c>: the management API from a terminal.</summary>
public static class AdminCommand
{
    /// <summary>Server base URL; default from DIRECTAUTH_URL, else the local default.</summary>
    public static readonly Option<string> Server = new("--server")
    {
        Description = "DirectAuth server URL (env DIRECTAUTH_URL)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DIRECTAUTH_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:5080",
        Recursive = true,
    };

    /// <summary>
    /// The admin API token, else DIRECTAUTH_ADMIN_TOKEN (see <see cref="TokenFrom"/>). No DefaultValueFactory:
    /// <c>--help</c> prints an option's default, and a secret must never reach the terminal.
    /// </summary>
    public static readonly Option<string?> Token = new("--token")
    {
        Description = "Admin API token [default: env DIRECTAUTH_ADMIN_TOKEN]",
        Recursive = true,
    };

    /// <summary>The token to use: <c>--token</c> if given, else DIRECTAUTH_ADMIN_TOKEN.</summary>
    public static string? TokenFrom(ParseResult result, Option<string?> option) =>
        result.GetValue(option) is { Length: > 0 } token ? token : Environment.GetEnvironmentVariable("DIRECTAUTH_ADMIN_TOKEN");

    /// <summary>Print the API's JSON instead of a table.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the raw JSON the API returned instead of a table",
        Recursive = true,
    };

    public static Command Create()
    {
        var admin = new Command("admin", "Manage users, apps, authorization servers, keys and the system log through the management API.");
        admin.Options.Add(Server);
        admin.Options.Add(Token);
        admin.Options.Add(Json);
        admin.Subcommands.Add(UsersCommand.Create());
        admin.Subcommands.Add(AppsCommand.Create());
        admin.Subcommands.Add(ServersCommand.Create());
        admin.Subcommands.Add(KeysCommand.Create());
        admin.Subcommands.Add(LogsCommand.Create());
        admin.Subcommands.Add(FactorsCommand.Create());
        admin.Subcommands.Add(PoliciesCommand.Create());
        admin.Subcommands.Add(GroupsCommand.Create());
        admin.Subcommands.Add(OutboxCommand.Create());
        admin.Subcommands.Add(BackupCommand.Create());
        admin.Subcommands.Add(RestoreCommand.Create());
        return admin;
    }
}
