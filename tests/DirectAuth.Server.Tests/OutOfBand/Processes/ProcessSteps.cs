using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand.Processes;

/// <summary>The management API and OAuth steps of the end-to-end tests, against a server process.</summary>
public static class ProcessSteps
{
    public static async Task<(int Status, JsonElement Body)> PostFormAsync(ServerProcess server, string path, params (string Name, string Value)[] form)
    {
        using var http = server.Client();
        return await ServerFixture.ReadAsync(await http.PostAsync(path, new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)))));
    }

    /// <summary>A user with a pending push enrollment; returns the user id and the activation link.</summary>
    public static async Task<(string UserId, string ActivationLink)> UserWithPushEnrollmentAsync(ServerProcess server, string login)
    {
        using var admin = server.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login, firstName = "E2E", lastName = "User" },
            credentials = new { password = new { value = ServerFixture.DefaultPassword } },
        });
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, user.ToString());
        var userId = user.GetProperty("id").GetString()!;
        var (status, factor) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "push" }));
        Assert.Equal(200, status);
        return (userId, factor.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!);
    }

    /// <summary>A public app whose policy allows push as the primary factor with the given number challenge mode.</summary>
    public static async Task<string> PushAppAsync(ServerProcess server, string numberChallenge, string[]? grants = null)
    {
        using var admin = server.Admin();
        var registered = await admin.PostAsJsonAsync("/oauth2/v1/clients", new Dictionary<string, object>
        {
            ["client_name"] = "E2E app", ["application_type"] = "native", ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = grants ?? ["password", GrantTypes.Oob, GrantTypes.MfaOob],
        });
        var clientId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;
        var policy = await (await admin.PostAsJsonAsync("/api/v1/policies", new { name = "E2E " + clientId })).Content.ReadFromJsonAsync<JsonElement>();
        var policyId = policy.GetProperty("id").GetString();
        var ruleId = policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString();
        Assert.True((await admin.PutAsJsonAsync($"/api/v1/policies/{policyId}/rules/{ruleId}",
            new { primaryFactors = OobKit.OobPrimaryFactors, numberChallenge })).IsSuccessStatusCode);
        Assert.True((await admin.PutAsync($"/api/v1/apps/{clientId}/policies/{policyId}", null)).IsSuccessStatusCode);
        return clientId;
    }

    public static Task<(int Status, JsonElement Body)> StartPushAsync(ServerProcess server, string clientId, string login) =>
        PostFormAsync(server, "/oauth2/default/v1/primary-authenticate",
            ("client_id", clientId), ("login_hint", login), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));

    public static Task<(int Status, JsonElement Body)> PollAsync(ServerProcess server, string clientId, string oobCode) =>
        PostFormAsync(server, "/oauth2/default/v1/token", ("grant_type", GrantTypes.Oob), ("client_id", clientId), ("oob_code", oobCode), ("scope", "openid"));

    /// <summary>Runs <c>directauth {args}</c> to completion; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> CliAsync(params string[] args)
    {
        await using var cli = RunningProcess.StartDotnet(Built.CliDll, args);
        var code = await cli.WaitForExitAsync();
        return (code, cli.Output);
    }

    public static RunningProcess StartCli(params string[] args) => RunningProcess.StartDotnet(Built.CliDll, args);
}
