using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// <c>directauth admin apps grants|grant|revoke-grant</c>: the Okta API scopes an app may ask for
/// (<c>/api/v1/apps/{clientId}/grants</c>), e.g. the MyAccount scopes of docs/self-service.md.
/// </summary>
public static class AppGrantsCommands
{
    public static IEnumerable<Command> Create() => [List(), Grant(), Revoke()];

    private static Argument<string> ClientId() => new("client-id") { Description = "The app's client_id" };

    private static Command List()
    {
        var id = ClientId();
        var command = new Command("grants", "List the Okta API scopes (okta.myAccount.*) granted to an app.") { id };
        AdminAction.Set(command, async c =>
        {
            var response = await c.Api.GetAsync($"api/v1/apps/{Uri.EscapeDataString(c.Get(id))}/grants", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["SCOPE", "SOURCE", "STATUS"],
                response.Json.Items().Select(g => new[] { g.Str("scopeId"), g.Str("source"), g.Str("status") })));
        });
        return command;
    }

    private static Command Grant()
    {
        var id = ClientId();
        var scopes = new Argument<string[]>("scope") { Description = "Scopes to grant, e.g. okta.myAccount.authenticators.manage", Arity = ArgumentArity.OneOrMore };
        var command = new Command("grant", "Allow an app to ask for Okta API scopes (each granted in turn; stops at the first refusal).") { id, scopes };
        AdminAction.Set(command, async c =>
        {
            foreach (var scope in c.Get(scopes))
            {
                var response = await c.Api.PostAsync($"api/v1/apps/{Uri.EscapeDataString(c.Get(id))}/grants", new { scopeId = scope }, c.Ct);
                c.Out.Print(response, () => c.Out.Line($"Granted {response.Json.Str("scopeId")} to app {response.Json.Str("clientId")}."));
            }
        });
        return command;
    }

    private static Command Revoke()
    {
        var id = ClientId();
        var scope = new Argument<string>("scope") { Description = "The granted scope to take back" };
        var command = new Command("revoke-grant", "Take back an Okta API scope from an app: new tokens can no longer ask for it.") { id, scope };
        AdminAction.Set(command, async c =>
        {
            await c.Api.DeleteAsync($"api/v1/apps/{Uri.EscapeDataString(c.Get(id))}/grants/{Uri.EscapeDataString(c.Get(scope))}", c.Ct);
            if (!c.Out.Json) c.Out.Line($"Revoked {c.Get(scope)} from app {c.Get(id)}.");
        });
        return command;
    }
}
