using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand.Processes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static DirectAuth.Server.Tests.OutOfBand.Processes.ProcessSteps;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>A test that needs PostgreSQL (several server processes on one database); skipped in the SQLite pass.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute(string why = "several server instances share one database")
    {
        if (!TestDatabase.IsPostgres) Skip = $"Needs PostgreSQL (DIRECTAUTH_TEST_DB=postgres): {why}.";
    }
}

/// <summary>
/// Scale-out (docs/scale-out.md): two server processes on two loopback ports, one PostgreSQL database, one
/// master key. A push started through one instance reaches the authenticator app connected to the other
/// (PostgreSQL LISTEN/NOTIFY), and polling either instance returns the tokens.
/// </summary>
public sealed class ScaleOutTests
{
    private static async Task<string> ActivateAgainstAsync(ServerProcess enrollOn, ServerProcess listenOn, string login, string state)
    {
        var (_, link) = await UserWithPushEnrollmentAsync(enrollOn, login);
        var (code, output) = await CliAsync("authenticator", "activate", link, "--server", listenOn.Url, "--state", state);
        Assert.True(code == 0, output);
        return login;
    }

    private static async Task<string> SignInAcrossAsync(ServerProcess startOn, ServerProcess listenOn, ServerProcess pollOn, string clientId, string login, string state)
    {
        await using var phone = StartCli("authenticator", "listen", "--approve-next", "--once", "--json", "--timeout", "60", "--state", state);
        await phone.WaitForLineAsync(l => l.Contains("\"connected\"", StringComparison.Ordinal));

        var (status, started) = await StartPushAsync(startOn, clientId, login);
        Assert.True(status == 200, started.ToString());
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var push = JsonDocument.Parse(await phone.WaitForLineAsync(l => l.Contains("\"push\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("127.0.0.1", push.GetProperty("ipAddress").GetString());
        Assert.Contains("APPROVED", await phone.WaitForLineAsync(l => l.Contains("\"answered\"", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(0, await phone.WaitForExitAsync());

        var (tokenStatus, tokens) = await PollAsync(pollOn, clientId, oobCode);
        Assert.True(tokenStatus == 200, tokens.ToString());
        var (againStatus, again) = await PollAsync(pollOn == startOn ? listenOn : startOn, clientId, oobCode);
        Assert.Equal((403, "access_denied"), (againStatus, again.GetProperty("error").GetString()));
        return tokens.GetProperty("id_token").GetString()!;
    }

    [PostgresFact]
    public async Task ScaleOut_PushStartedOnOneInstance_ReachesTheDeviceOnTheOtherAndEitherPollGetsTokens()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var a = await ServerProcess.StartAsync(database);
        await using var b = await ServerProcess.StartAsync(database);
        var states = Directory.CreateTempSubdirectory("directauth-scaleout-").FullName;
        try
        {
            var clientId = await PushAppAsync(a, "never");

            // Device on B, push started through A, tokens from B (and A then refuses the used code).
            var first = Path.Combine(states, "first.json");
            var login1 = await ActivateAgainstAsync(a, b, "scale-1@example.com", first);
            var idToken1 = await SignInAcrossAsync(a, b, b, clientId, login1, first);

            // Device on A, push started through B, tokens from A.
            var second = Path.Combine(states, "second.json");
            var login2 = await ActivateAgainstAsync(b, a, "scale-2@example.com", second);
            var idToken2 = await SignInAcrossAsync(b, a, a, clientId, login2, second);

            // Both instances sign with the same keys, from the shared database.
            using var http = b.Client();
            var jwks = new JsonWebKeySet(await http.GetStringAsync("/oauth2/default/v1/keys"));
            foreach (var token in new[] { idToken1, idToken2 })
                Assert.Contains(jwks.Keys, k => k.KeyId == new JsonWebToken(token).Kid);
        }
        finally
        {
            Directory.Delete(states, recursive: true);
        }
    }

    [PostgresFact]
    public async Task ScaleOut_ClientDeactivatedThroughOneInstance_TheOtherRefusesItWithinItsCacheLifetime()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var a = await ServerProcess.StartAsync(database);
        await using var b = await ServerProcess.StartAsync(database);
        var clientId = await PushAppAsync(a, "never");
        // B authenticates the client, and so keeps it: the poll is refused for its unknown code, not its client.
        var (known, knownBody) = await PollAsync(b, clientId, "no-such-code");
        Assert.True(known == 403, knownBody.ToString());

        using var admin = a.Admin();
        Assert.True((await admin.PostAsync($"/oauth2/v1/clients/{clientId}/lifecycle/deactivate", null)).IsSuccessStatusCode);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (status, body) = await PollAsync(b, clientId, "no-such-code");
        while (status != 401 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            (status, body) = await PollAsync(b, clientId, "no-such-code");
        }
        // The wait is bounded at ten times the one-second lifetime: this shows the change arrives, not how fast.
        Assert.Equal((401, "invalid_client"), (status, body.GetProperty("error").GetString()));
    }
}
