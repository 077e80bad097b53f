using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Policies;

/// <summary>The Okta-shaped Groups API.</summary>
public sealed class GroupsApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Group_CreateAddListRemove()
    {
        using var admin = server.Admin();
        var userId = await server.CreateUserAsync("member@example.com");
        var group = await PolicySteps.Json(await admin.PostAsJsonAsync("/api/v1/groups", new { profile = new { name = "Engineering", description = "Builders" } }));
        var groupId = group.GetProperty("id").GetString()!;
        Assert.StartsWith("00g", groupId, StringComparison.Ordinal);
        Assert.Equal("OKTA_GROUP", group.GetProperty("type").GetString());
        Assert.Equal("Engineering", group.GetProperty("profile").GetProperty("name").GetString());

        Assert.Equal(204, (int)(await admin.PutAsync($"/api/v1/groups/{groupId}/users/{userId}", null)).StatusCode);
        Assert.Equal(204, (int)(await admin.PutAsync($"/api/v1/groups/{groupId}/users/member@example.com", null)).StatusCode); // idempotent, by login too

        var members = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/users");
        Assert.Equal([userId], members.EnumerateArray().Select(u => u.GetProperty("id").GetString()!).ToArray());
        var userGroups = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/groups");
        // Besides the built-in Everyone group, which every user is in.
        Assert.Equal([groupId], userGroups.EnumerateArray().Where(g => g.GetProperty("type").GetString() != "BUILT_IN").Select(g => g.GetProperty("id").GetString()!).ToArray());
        var found = await admin.GetFromJsonAsync<JsonElement>("/api/v1/groups?q=engin");
        Assert.Contains(found.EnumerateArray(), g => g.GetProperty("id").GetString() == groupId);

        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/groups/{groupId}/users/{userId}")).StatusCode);
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/users")).GetArrayLength());
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Equal(404, (int)(await admin.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
    }

    [Fact]
    public async Task Group_DuplicateNameIgnoringCase_400()
    {
        using var admin = server.Admin();
        await PolicySteps.Json(await admin.PostAsJsonAsync("/api/v1/groups", new { profile = new { name = "Sales" } }));

        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync("/api/v1/groups", new { profile = new { name = "SALES" } }));

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"profile\":{\"name\":\"  \"}}")]
    [InlineData("{\"profile\":{\"name\":42}}")]
    [InlineData("[]")]
    public async Task Group_InvalidBody_400(string json)
    {
        using var admin = server.Admin();

        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsync("/api/v1/groups", new StringContent(json, System.Text.Encoding.UTF8, "application/json")));

        Assert.Equal(400, status);
        Assert.StartsWith("E000000", error.GetProperty("errorCode").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_UsedByPolicyRule_CannotBeDeleted()
    {
        var client = await server.RegisterClientAsync();
        var groupId = await server.CreateGroupAsync("In a rule");
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { });
        using var admin = server.Admin();
        var rule = await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/policies/{policyId}/rules", new { name = "uses group", groups = new[] { groupId } }));

        var (status, _) = await ServerFixture.ReadAsync(await admin.DeleteAsync($"/api/v1/groups/{groupId}"));
        Assert.Equal(400, status);

        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/policies/{policyId}/rules/{rule.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/groups/{groupId}")).StatusCode);
    }

    [Fact]
    public async Task Membership_UnknownUserOrGroup_404()
    {
        using var admin = server.Admin();
        var groupId = await server.CreateGroupAsync("Lonely");

        Assert.Equal(404, (int)(await admin.PutAsync($"/api/v1/groups/{groupId}/users/00unobody", null)).StatusCode);
        Assert.Equal(404, (int)(await admin.PutAsync("/api/v1/groups/00gnothing/users/00unobody", null)).StatusCode);
    }

    [Fact]
    public async Task DeletingUser_RemovesMembership()
    {
        using var admin = server.Admin();
        var userId = await server.CreateUserAsync("leaver@example.com");
        var groupId = await server.CreateGroupAsync("Leavers", userId);
        await admin.PostAsync($"/api/v1/users/{userId}/lifecycle/deactivate", null);

        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/users/{userId}")).StatusCode);

        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/users")).GetArrayLength());
    }
}
