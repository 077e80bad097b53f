using System.CommandLine;
using static DirectAuth.Cli.Admin.MfaAdminRequests;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin groups</c>: groups of users (Okta Groups API), which policy rules can target.</summary>
public static class GroupsCommand
{
    private static readonly Argument<string> Group = new("group") { Description = "Group id or name" };
    private static readonly Argument<string> User = new("user") { Description = "User id or login" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print the API's JSON" };

    public static Command Create()
    {
        var groups = new Command("groups", "Groups of users, for policy rules.");
        groups.Subcommands.Add(List());
        groups.Subcommands.Add(CreateGroup());
        groups.Subcommands.Add(DeleteGroup());
        groups.Subcommands.Add(Members());
        groups.Subcommands.Add(Add());
        groups.Subcommands.Add(Remove());
        return groups;
    }

    /// <summary>A group id from an id or an exact (case-insensitive) name.</summary>
    public static async Task<string> ResolveAsync(HttpClient http, string idOrName)
    {
        var found = await GetAsync(http, "api/v1/groups?q=" + Seg(idOrName));
        foreach (var g in found.EnumerateArray())
            if (string.Equals(g.GetProperty("profile").GetProperty("name").GetString(), idOrName, StringComparison.OrdinalIgnoreCase))
                return g.GetProperty("id").GetString()!;
        return idOrName;
    }

    private static Command List()
    {
        var query = new Option<string?>("--q") { Description = "Only groups whose name starts with this" };
        var command = new Command("list", "List groups.") { query, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var list = await GetAsync(http, "api/v1/groups" + (parse.GetValue(query) is { } q ? "?q=" + Seg(q) : ""));
            if (parse.GetValue(Json)) { PrintJson(list); return; }
            PrintTable(["ID", "NAME", "DESCRIPTION"], list.EnumerateArray().Select(g =>
            {
                var profile = g.GetProperty("profile");
                return new[] { Str(g, "id"), Str(profile, "name"), Str(profile, "description") };
            }));
        }));
        return command;
    }

    private static Command CreateGroup()
    {
        var name = new Argument<string>("name") { Description = "Group name (unique)" };
        var description = new Option<string?>("--description") { Description = "What the group is" };
        var command = new Command("create", "Create a group.") { name, description, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var group = await PostAsync(http, "api/v1/groups", new { profile = new { name = parse.GetValue(name), description = parse.GetValue(description) } });
            if (parse.GetValue(Json)) { PrintJson(group); return; }
            Console.WriteLine($"Created group {Str(group, "id")} ({parse.GetValue(name)}).");
        }));
        return command;
    }

    private static Command DeleteGroup()
    {
        var command = new Command("delete", "Delete a group (not while a policy rule uses it).") { Group };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var id = await ResolveAsync(http, parse.GetValue(Group)!);
            await DeleteAsync(http, $"api/v1/groups/{Seg(id)}");
            Console.WriteLine($"Deleted group {id}.");
        }));
        return command;
    }

    private static Command Members()
    {
        var command = new Command("members", "List a group's users.") { Group, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var id = await ResolveAsync(http, parse.GetValue(Group)!);
            var users = await GetAsync(http, $"api/v1/groups/{Seg(id)}/users");
            if (parse.GetValue(Json)) { PrintJson(users); return; }
            PrintTable(["ID", "LOGIN", "STATUS"], users.EnumerateArray().Select(u => new[] { Str(u, "id"), Str(u.GetProperty("profile"), "login"), Str(u, "status") }));
        }));
        return command;
    }

    private static Command Add()
    {
        var command = new Command("add", "Add a user to a group.") { Group, User };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var id = await ResolveAsync(http, parse.GetValue(Group)!);
            await PutAsync(http, $"api/v1/groups/{Seg(id)}/users/{Seg(parse.GetValue(User)!)}", null);
            Console.WriteLine($"Added {parse.GetValue(User)} to {id}.");
        }));
        return command;
    }

    private static Command Remove()
    {
        var command = new Command("remove", "Remove a user from a group.") { Group, User };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var id = await ResolveAsync(http, parse.GetValue(Group)!);
            await DeleteAsync(http, $"api/v1/groups/{Seg(id)}/users/{Seg(parse.GetValue(User)!)}");
            Console.WriteLine($"Removed {parse.GetValue(User)} from {id}.");
        }));
        return command;
    }
}
