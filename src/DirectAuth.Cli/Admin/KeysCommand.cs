using System.CommandLine;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin keys ...</c>: an authorization server's signing keys and their rotation.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "List and rotate the signing keys of an authorization server.");

        var listServer = new Argument<string>("server") { Description = "Authorization server id (org, default, aus...)" };
        var list = new Command("list", "List the published keys: ACTIVE signs, NEXT signs after the next rotation, EXPIRED is kept until its tokens expire.") { listServer };
        AdminAction.Set(list, async c =>
        {
            var response = await c.Api.GetAsync($"api/v1/authorizationServers/{Uri.EscapeDataString(c.Get(listServer))}/credentials/keys", c.Ct);
            c.Out.Print(response, () => c.Out.Table(["KID", "STATUS", "ALG", "CREATED", "ACTIVATED", "PUBLISHED UNTIL"], response.Json.Items().Select(k => new[]
            {
                k.Str("kid"), k.Str("status"), k.Str("alg"), k.Time("created"), k.Time("activated"), k.Time("publishedUntil"),
            })));
        });

        var rotateServer = new Argument<string>("server") { Description = "Authorization server id" };
        var rotate = new Command("rotate", "Rotate: the NEXT key (already in the JWKS) starts signing; the old key stays published until its tokens expire.") { rotateServer };
        AdminAction.Set(rotate, async c =>
        {
            var response = await c.Api.PostAsync($"api/v1/authorizationServers/{Uri.EscapeDataString(c.Get(rotateServer))}/credentials/lifecycle/keyRotate", new { use = "sig" }, c.Ct);
            c.Out.Print(response, () => {
                var active = response.Json.Items().First(k => k.Str("status") == "ACTIVE");
                c.Out.Line($"Rotated {c.Get(rotateServer)}: key {active.Str("kid")} ({active.Str("alg")}) now signs.");
            });
        });

        keys.Subcommands.Add(list);
        keys.Subcommands.Add(rotate);
        return keys;
    }
}
