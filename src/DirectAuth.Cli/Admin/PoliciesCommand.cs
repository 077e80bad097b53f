using System.CommandLine;
using System.Text.Json;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin policies</c>: sign-on policies and their rules, and which policy an app uses
/// (see docs/policies.md). Groups in rules are given by id or name, and rule tables show their names.
/// </summary>
public static class PoliciesCommand
{
    private static readonly Argument<string> PolicyId = new("policyId") { Description = "Policy id ('default' for the default policy)" };
    private static readonly Argument<string> RuleId = new("ruleId") { Description = "Rule id (from 'policies show')" };
    private static readonly Argument<string> ClientId = new("clientId") { Description = "The app's client_id" };

    private static readonly Option<string?> Name = new("--name") { Description = "Rule name" };
    private static readonly Option<int?> Priority = new("--priority") { Description = "Lower runs first (0-1000)" };
    private static readonly Option<string[]?> Groups = new("--group") { Description = "A group (id or name) the rule applies to; repeat for more; none: everyone" };
    private static readonly Option<string?> Primary = new("--primary") { Description = "Allowed primary factors, comma separated: password, otp, oob:push, oob:sms, oob:voice" };
    private static readonly Option<string?> SecondFactor = new("--second-factor") { Description = "required, if_enrolled or none" };
    private static readonly Option<string?> SecondFactors = new("--second-factors") { Description = "Factors that count as second, comma separated: otp, push, sms, voice, recovery_code" };
    private static readonly Option<string?> NumberChallenge = new("--number-challenge") { Description = "Push number challenge: never, always or risky" };

    public static Command Create()
    {
        var policies = new Command("policies", "Sign-on policies: which factors sign users in to which apps.");
        policies.Subcommands.Add(List());
        policies.Subcommands.Add(Show());
        policies.Subcommands.Add(CreatePolicy());
        policies.Subcommands.Add(DeletePolicy());
        policies.Subcommands.Add(Assign());
        policies.Subcommands.Add(App());
        var rules = new Command("rules", "The rules of a policy (first match by priority; the catch-all runs last).");
        rules.Subcommands.Add(AddRule());
        rules.Subcommands.Add(UpdateRule());
        rules.Subcommands.Add(DeleteRule());
        policies.Subcommands.Add(rules);
        return policies;
    }

    private static string Seg(string value) => Uri.EscapeDataString(value);

    private static Command List()
    {
        var command = new Command("list", "List policies.");
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync("api/v1/policies", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["ID", "NAME", "RULES"], response.Json.Items().Select(p => new[]
            {
                p.Str("id"), p.Str("name"), p.GetProperty("_embedded").GetProperty("rules").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
            })));
        });
        return command;
    }

    private static Command Show()
    {
        var command = new Command("show", "Show a policy and its rules in evaluation order.") { PolicyId };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync($"api/v1/policies/{Seg(c.Get(PolicyId))}", c.Ct);
            var names = await GroupNamesAsync(c, PolicyRules(response.Json));
            c.Out.Print(response, () => PrintPolicy(c.Out, response.Json, names));
        });
        return command;
    }

    private static Command CreatePolicy()
    {
        var name = new Argument<string>("name") { Description = "Policy name" };
        var description = new Option<string?>("--description") { Description = "What the policy is for" };
        var command = new Command("create", "Create a policy (it starts with a catch-all rule holding the default settings).") { name, description };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PostAsync("api/v1/policies", new { name = c.Get(name), description = c.Get(description) }, c.Ct);
            var names = await GroupNamesAsync(c, PolicyRules(response.Json));
            c.Out.Print(response, () => PrintPolicy(c.Out, response.Json, names));
        });
        return command;
    }

    private static Command DeletePolicy()
    {
        var command = new Command("delete", "Delete a policy no app uses.") { PolicyId };
        AdminAction.Set(command, async c =>
        {
            await c.Api.DeleteAsync($"api/v1/policies/{Seg(c.Get(PolicyId))}", c.Ct);
            c.Out.Line($"Deleted policy {c.Get(PolicyId)}.");
        });
        return command;
    }

    private static Command Assign()
    {
        var command = new Command("assign", "Make an app use a policy ('default' returns it to the default policy).") { ClientId, PolicyId };
        AdminAction.Set(command, async c =>
        {
            await c.Api.SendAsync(HttpMethod.Put, $"api/v1/apps/{Seg(c.Get(ClientId))}/policies/{Seg(c.Get(PolicyId))}", null, c.Ct);
            c.Out.Line($"App {c.Get(ClientId)} now uses policy {c.Get(PolicyId)}.");
        });
        return command;
    }

    private static Command App()
    {
        var user = new Option<string?>("--user") { Description = "Also show which rule applies to this user (id or login) and what they have enrolled" };
        var command = new Command("app", "Show the policy an app uses.") { ClientId, user };
        AdminAction.Set(command, async c =>
        {
            var path = $"api/v1/apps/{Seg(c.Get(ClientId))}/policy" + (c.Get(user) is { } u ? "?user=" + Seg(u) : "");
            var response = await c.Api.GetAsync(path, c.Ct);
            var names = await GroupNamesAsync(c, PolicyRules(response.Json));
            c.Out.Print(response, () =>
            {
                PrintPolicy(c.Out, response.Json, names);
                if (response.Json.Str("effectiveRule") is { } rule)
                    c.Out.Line($"Rule for {c.Get(user)}: {rule}; enrolled: {response.Json.Str("enrolledFactors")}");
            });
        });
        return command;
    }

    private static Command AddRule()
    {
        var command = new Command("add", "Add a rule to a policy (--name is required).") { PolicyId, Name, Priority, Groups, Primary, SecondFactor, SecondFactors, NumberChallenge };
        AdminAction.Set(command, async c =>
        {
            if (c.Get(Name) is null) throw new UsageException("--name is required for a new rule.");
            var response = await c.Api.PostAsync($"api/v1/policies/{Seg(c.Get(PolicyId))}/rules", await RuleBodyAsync(c), c.Ct);
            var names = await GroupNamesAsync(c, [response.Json]);
            c.Out.Print(response, () => PrintRules(c.Out, [response.Json], names));
        });
        return command;
    }

    private static Command UpdateRule()
    {
        var command = new Command("update", "Change a rule; options left out keep their value.") { PolicyId, RuleId, Name, Priority, Groups, Primary, SecondFactor, SecondFactors, NumberChallenge };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.PutAsync($"api/v1/policies/{Seg(c.Get(PolicyId))}/rules/{Seg(c.Get(RuleId))}", await RuleBodyAsync(c), c.Ct);
            var names = await GroupNamesAsync(c, [response.Json]);
            c.Out.Print(response, () => PrintRules(c.Out, [response.Json], names));
        });
        return command;
    }

    private static Command DeleteRule()
    {
        var command = new Command("delete", "Delete a rule (not the catch-all).") { PolicyId, RuleId };
        AdminAction.Set(command, async c =>
        {
            await c.Api.DeleteAsync($"api/v1/policies/{Seg(c.Get(PolicyId))}/rules/{Seg(c.Get(RuleId))}", c.Ct);
            c.Out.Line($"Deleted rule {c.Get(RuleId)}.");
        });
        return command;
    }

    private static async Task<Dictionary<string, object>> RuleBodyAsync(AdminContext c)
    {
        static List<string> Csv(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var body = new Dictionary<string, object>();
        if (c.Get(Name) is { } name) body["name"] = name;
        if (c.Get(Priority) is { } priority) body["priority"] = priority;
        if (c.Get(Groups) is { Length: > 0 } groups)
        {
            var ids = new List<string>();
            foreach (var g in groups) ids.Add(await GroupsCommand.ResolveAsync(c, g));
            body["groups"] = ids;
        }
        if (c.Get(Primary) is { } primary) body["primaryFactors"] = Csv(primary);
        if (c.Get(SecondFactor) is { } mode) body["secondFactor"] = mode;
        if (c.Get(SecondFactors) is { } second) body["secondFactors"] = Csv(second);
        if (c.Get(NumberChallenge) is { } challenge) body["numberChallenge"] = challenge;
        return body;
    }

    private static IEnumerable<JsonElement> PolicyRules(JsonElement policy) => policy.GetProperty("_embedded").GetProperty("rules").Items();

    /// <summary>
    /// The names of the groups the rules name (rules hold group ids), looked up one by one; a group that is gone
    /// keeps its id. Nothing is looked up for <c>--json</c>, which prints the API's answer as it is.
    /// </summary>
    private static async Task<Dictionary<string, string>> GroupNamesAsync(AdminContext c, IEnumerable<JsonElement> rules)
    {
        var names = new Dictionary<string, string>();
        if (c.Out.Json) return names;
        foreach (var id in rules.SelectMany(r => r.TryGetProperty("groups", out var g) ? g.Items() : []).Select(g => g.GetString()!).Distinct())
            names[id] = (await c.Api.FindAsync($"api/v1/groups/{Seg(id)}", c.Ct))?.Json.Str("profile", "name") ?? id;
        return names;
    }

    private static void PrintPolicy(AdminOutput output, JsonElement policy, Dictionary<string, string> groupNames)
    {
        output.Line($"Policy {policy.Str("id")}: {policy.Str("name")}{(policy.Str("description") is { Length: > 0 } d ? " — " + d : "")}");
        PrintRules(output, PolicyRules(policy), groupNames);
    }

    private static void PrintRules(AdminOutput output, IEnumerable<JsonElement> rules, Dictionary<string, string> groupNames) =>
        output.Table(["RULE", "NAME", "PRIORITY", "GROUPS", "PRIMARY", "SECOND", "SECOND FACTORS", "NUMBER CHALLENGE"], rules.Select(r => new[]
        {
            r.Str("id"), r.Str("name"), r.Str("priority") ?? "last",
            r.TryGetProperty("groups", out var g) && g.GetArrayLength() > 0 ? string.Join(", ", g.Items().Select(id => groupNames.GetValueOrDefault(id.GetString()!, id.GetString()!))) : "everyone",
            r.Str("primaryFactors"), r.Str("secondFactor"), r.Str("secondFactors"), r.Str("numberChallenge"),
        }));
}
