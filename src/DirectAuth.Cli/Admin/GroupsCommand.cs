using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin groups</c>: groups of users (Okta Groups API), which policy rules can target.</summary>
public static class GroupsCommand
{
    private static readonly Argument<string> Group = new("group") { Description = "Group id or name" };
    private static readonly Argument<string> User = new("user") { Description = "User id or login" };

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

    private static string Seg(string value) => Uri.EscapeDataString(value);

    /// <summary>A group id from an id or an exact (case-insensitive) name.</summary>
    public static async Task<string> ResolveAsync(AdminContext c, string idOrName)
    {
        var found = await c.Api.GetAsync("api/v1/groups?q=" + Seg(idOrName), c.Ct);
        return found.Json.Items().FirstOrDefault(g => string.Equals(g.Str("profile", "name"), idOrName, StringComparison.OrdinalIgnoreCase)).Str("id") ?? idOrName;
    }

    private static Command List()
    {
        var query = new Option<string?>("--q") { Description = "Only groups whose name starts with this" };
        var command = new Command("list", "List groups.") { query };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync("api/v1/groups" + (c.Get(query) is { } q ? "?q=" + Seg(q) : ""), c.Ct);
            c.Out.Print(response, () => c.Out.Table(["ID", "NAME", "DESCRIPTION"], response.Json.Items().Select(g => new[]
            {
                g.Str("id"), g.Str("profile", "name"), g.Str("profile", "description"),
            })));
        });
        return command;
    }

    private static Command CreateGroup()
    {
        var name = new Argument<string>("name") { Description = "Group name (unique)" };
        var description = new Option<string?>("--description") { Description = "What the group is" };
        var command = new Command("create", "Create a group.") { name, description };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync("api/v1/groups", new { profile = new { name = c.Get(name), description = c.Get(description) } }, c.Ct);
            c.Out.Print(response, () => c.Out.Line($"Created group {response.Json.Str("id")} ({c.Get(name)})."));
        });
        return command;
    }

    private static Command DeleteGroup()
    {
        var command = new Command("delete", "Delete a group (not while a policy rule uses it).") { Group };
        AdminAction.Set(command, async c =>
        {
            var id = await ResolveAsync(c, c.Get(Group));
            await c.Api.DeleteAsync($"api/v1/groups/{Seg(id)}", c.Ct);
            c.Out.Line($"Deleted group {id}.");
        });
        return command;
    }

    private static Command Members()
    {
        var command = new Command("members", "List a group's users.") { Group };
        AdminAction.Set(command, async c =>
        {
            var id = await ResolveAsync(c, c.Get(Group));
            var response = await c.Api.GetAsync($"api/v1/groups/{Seg(id)}/users", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["ID", "LOGIN", "STATUS"], response.Json.Items().Select(u => new[]
            {
                u.Str("id"), u.Str("profile", "login"), u.Str("status"),
            })));
        });
        return command;
    }

    private static Command Add()
    {
        var command = new Command("add", "Add a user to a group.") { Group, User };
        AdminAction.Set(command, async c =>
        {
            var id = await ResolveAsync(c, c.Get(Group));
            await c.Api.SendAsync(HttpMethod.Put, $"api/v1/groups/{Seg(id)}/users/{Seg(c.Get(User))}", null, c.Ct);
            c.Out.Line($"Added {c.Get(User)} to {id}.");
        });
        return command;
    }

    private static Command Remove()
    {
        var command = new Command("remove", "Remove a user from a group.") { Group, User };
        AdminAction.Set(command, async c =>
        {
            var id = await ResolveAsync(c, c.Get(Group));
            await c.Api.DeleteAsync($"api/v1/groups/{Seg(id)}/users/{Seg(c.Get(User))}", c.Ct);
            c.Out.Line($"Removed {c.Get(User)} from {id}.");
        });
        return command;
    }
}
