using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Policies;

/// <summary>Policy and group set-up through the management API.</summary>
public static class PolicySteps
{
    /// <summary>Creates a policy whose catch-all rule has <paramref name="catchAll"/>'s fields, assigns it to the app, and returns its id.</summary>
    public static async Task<string> AssignPolicyAsync(this ServerFixture server, string clientId, object catchAll)
    {
        using var admin = server.Admin();
        var policy = await Json(await admin.PostAsJsonAsync("/api/v1/policies", new { name = "Policy " + Guid.NewGuid().ToString("N")[..8] }));
        var policyId = policy.GetProperty("id").GetString()!;
        var ruleId = policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString()!;
        await Json(await admin.PutAsJsonAsync($"/api/v1/policies/{policyId}/rules/{ruleId}", catchAll));
        var assigned = await admin.PutAsync($"/api/v1/apps/{clientId}/policies/{policyId}", null);
        Assert.Equal(204, (int)assigned.StatusCode);
        return policyId;
    }

    public static async Task<string> CreateGroupAsync(this ServerFixture server, string name, params string[] members)
    {
        using var admin = server.Admin();
        var group = await Json(await admin.PostAsJsonAsync("/api/v1/groups", new { profile = new { name } }));
        var id = group.GetProperty("id").GetString()!;
        foreach (var user in members)
            Assert.Equal(204, (int)(await admin.PutAsync($"/api/v1/groups/{id}/users/{user}", null)).StatusCode);
        return id;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.True(status is 200 or 201, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {status} {body}");
        return body;
    }
}
