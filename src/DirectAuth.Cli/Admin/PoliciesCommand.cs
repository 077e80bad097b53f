using System.CommandLine;
using System.Text.Json;
using static DirectAuth.Cli.Admin.MfaAdminRequests;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin policies</c>: sign-on policies and their rules, and which policy an app uses
/// (see docs/policies.md). Groups in rules are given by id or name.
/// </summary>
public static class PoliciesCommand
{
    private static readonly Argument<string> PolicyId = new("policyId") { Description = "Policy id ('default' for the default policy)" };
    private static readonly Argument<string> RuleId = new("ruleId") { Description = "Rule id (from 'policies show')" };
    private static readonly Argument<string> ClientId = new("clientId") { Description = "The app's client_id" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print the API's JSON" };

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

    private static Command List()
    {
        var command = new Command("list", "List policies.") { Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var list = await GetAsync(http, "api/v1/policies");
            if (parse.GetValue(Json)) { PrintJson(list); return; }
            PrintTable(["ID", "NAME", "RULES"], list.EnumerateArray().Select(p =>
                new[] { Str(p, "id"), Str(p, "name"), p.GetProperty("_embedded").GetProperty("rules").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }));
        return command;
    }

    private static Command Show()
    {
        var command = new Command("show", "Show a policy and its rules in evaluation order.") { PolicyId, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var policy = await GetAsync(http, $"api/v1/policies/{Seg(parse.GetValue(PolicyId)!)}");
            if (parse.GetValue(Json)) { PrintJson(policy); return; }
            PrintPolicy(policy);
        }));
        return command;
    }

    private static Command CreatePolicy()
    {
        var name = new Argument<string>("name") { Description = "Policy name" };
        var description = new Option<string?>("--description") { Description = "What the policy is for" };
        var command = new Command("create", "Create a policy (it starts with a catch-all rule with the default settings).") { name, description, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var policy = await PostAsync(http, "api/v1/policies", new { name = parse.GetValue(name), description = parse.GetValue(description) });
            if (parse.GetValue(Json)) { PrintJson(policy); return; }
            PrintPolicy(policy);
        }));
        return command;
    }

    private static Command DeletePolicy()
    {
        var command = new Command("delete", "Delete a policy no app uses.") { PolicyId };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            await DeleteAsync(http, $"api/v1/policies/{Seg(parse.GetValue(PolicyId)!)}");
            Console.WriteLine($"Deleted policy {parse.GetValue(PolicyId)}.");
        }));
        return command;
    }

    private static Command Assign()
    {
        var command = new Command("assign", "Make an app use a policy ('default' returns it to the default policy).") { ClientId, PolicyId };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            await PutAsync(http, $"api/v1/apps/{Seg(parse.GetValue(ClientId)!)}/policies/{Seg(parse.GetValue(PolicyId)!)}", null);
            Console.WriteLine($"App {parse.GetValue(ClientId)} now uses policy {parse.GetValue(PolicyId)}.");
        }));
        return command;
    }

    private static Command App()
    {
        var user = new Option<string?>("--user") { Description = "Also show which rule applies to this user (id or login) and what they have enrolled" };
        var command = new Command("app", "Show the policy an app uses.") { ClientId, user, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var path = $"api/v1/apps/{Seg(parse.GetValue(ClientId)!)}/policy";
            if (parse.GetValue(user) is { } u) path += "?user=" + Seg(u);
            var policy = await GetAsync(http, path);
            if (parse.GetValue(Json)) { PrintJson(policy); return; }
            PrintPolicy(policy);
            if (policy.TryGetProperty("effectiveRule", out var rule))
            {
                Console.WriteLine();
                Console.WriteLine($"Rule for {parse.GetValue(user)}: {rule.GetString()}; enrolled: {Str(policy, "enrolledFactors")}");
            }
        }));
        return command;
    }

    private static readonly Option<string?> Name = new("--name") { Description = "Rule name" };
    private static readonly Option<int?> Priority = new("--priority") { Description = "Lower runs first (0-1000)" };
    private static readonly Option<string[]?> Groups = new("--group") { Description = "A group (id or name) the rule applies to; repeat for more; none: everyone", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Primary = new("--primary") { Description = "Allowed primary factors, comma separated: password, otp, oob:push, oob:sms, oob:voice" };
    private static readonly Option<string?> SecondFactor = new("--second-factor") { Description = "required, if_enrolled or none" };
    private static readonly Option<string?> SecondFactors = new("--second-factors") { Description = "Factors that count as second, comma separated: otp, push, sms, voice, recovery_code" };
    private static readonly Option<string?> NumberChallenge = new("--number-challenge") { Description = "Push number challenge: never, always or risky" };

    private static Command AddRule()
    {
        var command = new Command("add", "Add a rule to a policy.") { PolicyId, Name, Priority, Groups, Primary, SecondFactor, SecondFactors, NumberChallenge, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            if (parse.GetValue(Name) is null) throw new InvalidOperationException("--name is required for a new rule.");
            var rule = await PostAsync(http, $"api/v1/policies/{Seg(parse.GetValue(PolicyId)!)}/rules", await RuleBodyAsync(http, parse));
            if (parse.GetValue(Json)) { PrintJson(rule); return; }
            PrintRules([rule]);
        }));
        return command;
    }

    private static Command UpdateRule()
    {
        var command = new Command("update", "Change a rule; options left out keep their value.") { PolicyId, RuleId, Name, Priority, Groups, Primary, SecondFactor, SecondFactors, NumberChallenge, Json };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            var rule = await PutAsync(http, $"api/v1/policies/{Seg(parse.GetValue(PolicyId)!)}/rules/{Seg(parse.GetValue(RuleId)!)}", await RuleBodyAsync(http, parse));
            if (parse.GetValue(Json)) { PrintJson(rule); return; }
            PrintRules([rule]);
        }));
        return command;
    }

    private static Command DeleteRule()
    {
        var command = new Command("delete", "Delete a rule (not the catch-all).") { PolicyId, RuleId };
        command.SetAction(parse => RunAsync(parse, async http =>
        {
            await DeleteAsync(http, $"api/v1/policies/{Seg(parse.GetValue(PolicyId)!)}/rules/{Seg(parse.GetValue(RuleId)!)}");
            Console.WriteLine($"Deleted rule {parse.GetValue(RuleId)}.");
        }));
        return command;
    }

    private static async Task<Dictionary<string, object>> RuleBodyAsync(HttpClient http, System.CommandLine.ParseResult parse)
    {
        static List<string> Csv(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var body = new Dictionary<string, object>();
        if (parse.GetValue(Name) is { } name) body["name"] = name;
        if (parse.GetValue(Priority) is { } priority) body["priority"] = priority;
        if (parse.GetValue(Groups) is { Length: > 0 } groups)
            body["groups"] = await Task.WhenAll(groups.Select(g => GroupsCommand.ResolveAsync(http, g)));
        if (parse.GetValue(Primary) is { } primary) body["primaryFactors"] = Csv(primary);
        if (parse.GetValue(SecondFactor) is { } mode) body["secondFactor"] = mode;
        if (parse.GetValue(SecondFactors) is { } second) body["secondFactors"] = second is "none" or "" ? new List<string>() : Csv(second);
        if (parse.GetValue(NumberChallenge) is { } challenge) body["numberChallenge"] = challenge;
        return body;
    }

    private static void PrintPolicy(JsonElement policy)
    {
        Console.WriteLine($"Policy {Str(policy, "id")}: {Str(policy, "name")}{(Str(policy, "description") is { Length: > 0 } d ? " — " + d : "")}");
        PrintRules(policy.GetProperty("_embedded").GetProperty("rules").EnumerateArray());
    }

    private static void PrintRules(IEnumerable<JsonElement> rules) =>
        PrintTable(["RULE", "NAME", "PRIORITY", "GROUPS", "PRIMARY", "SECOND", "SECOND FACTORS", "NUMBER CHALLENGE"], rules.Select(r => new[]
        {
            Str(r, "id"), Str(r, "name"), Str(r, "priority") is { Length: > 0 } p ? p : "last", Str(r, "groups") is { Length: > 0 } g ? g : "everyone",
            Str(r, "primaryFactors"), Str(r, "secondFactor"), Str(r, "secondFactors"), Str(r, "numberChallenge"),
        }));
}
