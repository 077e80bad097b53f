using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Policies;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Management;

/// <summary>
/// A management body with a field the resource does not have is refused with 400 E0000001 naming it, and
/// nothing changes; the fields the server itself writes (id, created, _links, ...) may be sent back; RFC 7591
/// client registration keeps ignoring unknown metadata.
/// </summary>
public sealed class UnknownFieldTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string PolicyId, string RuleId)> NewPolicyAsync(HttpClient admin)
    {
        var policy = await PolicySteps.Json(await admin.PostAsJsonAsync("/api/v1/policies", new { name = "Unknown fields " + Guid.NewGuid().ToString("N")[..8] }));
        return (policy.GetProperty("id").GetString()!, policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task RulePut_MisspeltField_400NamingItAndNothingChanged()
    {
        using var admin = server.Admin();
        var (policyId, ruleId) = await NewPolicyAsync(admin);
        var before = await PolicySteps.Json(await admin.GetAsync($"/api/v1/policies/{policyId}/rules/{ruleId}"));

        var response = await admin.PutAsJsonAsync($"/api/v1/policies/{policyId}/rules/{ruleId}", new { numberChalenge = "always" });

        var body = await AssertOktaErrorAsync(response, 400, "E0000001");
        Assert.Equal("Api validation failed: numberChalenge", body.GetProperty("errorSummary").GetString());
        Assert.Contains("numberChalenge", body.GetProperty("errorCauses")[0].GetProperty("errorSummary").GetString(), StringComparison.Ordinal);
        var after = await PolicySteps.Json(await admin.GetAsync($"/api/v1/policies/{policyId}/rules/{ruleId}"));
        Assert.Equal(before.GetProperty("numberChallenge").GetString(), after.GetProperty("numberChallenge").GetString());
        Assert.Equal(before.GetProperty("lastUpdated").GetString(), after.GetProperty("lastUpdated").GetString());
    }

    [Fact]
    public async Task UserCreate_UnknownNestedField_400WithItsPath()
    {
        using var admin = server.Admin();

        var response = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login = "nested-unknown@example.com", email = "nested-unknown@example.com", firstName = "N", lastName = "U", nickname = "nu" },
        });

        var body = await AssertOktaErrorAsync(response, 400, "E0000001");
        Assert.Equal("Api validation failed: profile.nickname", body.GetProperty("errorSummary").GetString());
        Assert.Equal(404, (int)(await admin.GetAsync("/api/v1/users/nested-unknown@example.com")).StatusCode);
    }

    [Fact]
    public async Task RulePut_WhatAGetReturned_AcceptedWithTheChange()
    {
        using var admin = server.Admin();
        var (policyId, ruleId) = await NewPolicyAsync(admin);
        var rule = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/policies/{policyId}/rules/{ruleId}"))!.AsObject();
        rule.Remove("priority"); // the catch-all rule's priority cannot be set (it is null in the GET)
        rule["numberChallenge"] = "never";

        var response = await admin.PutAsJsonAsync($"/api/v1/policies/{policyId}/rules/{ruleId}", rule);

        var updated = await PolicySteps.Json(response);
        Assert.Equal("never", updated.GetProperty("numberChallenge").GetString());
    }

    [Fact]
    public async Task UserUpdate_UnknownProfileField_400AndTheUserUnchanged()
    {
        var id = await server.CreateUserAsync("update-unknown@example.com");
        using var admin = server.Admin();

        var response = await admin.PostAsJsonAsync($"/api/v1/users/{id}", new { profile = new { firstName = "Changed", favouriteColour = "blue" } });

        // secondEmail and the rest of Okta's base profile are attributes now (issue 17); this one is not in it.
        var body = await AssertOktaErrorAsync(response, 400, "E0000001");
        Assert.Equal("Api validation failed: profile.favouriteColour", body.GetProperty("errorSummary").GetString());
        var user = await PolicySteps.Json(await admin.GetAsync($"/api/v1/users/{id}"));
        Assert.Equal("Test", user.GetProperty("profile").GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task UserUpdate_WhatAGetReturned_AcceptedWithTheChange()
    {
        var id = await server.CreateUserAsync("update-roundtrip@example.com");
        using var admin = server.Admin();
        var user = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/users/{id}"))!.AsObject();
        user["profile"]!["firstName"] = "Roundtrip";
        user["credentials"]!.AsObject().Remove("password"); // {} in a GET; an update reads a password only as {"value": "..."}

        var updated = await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/users/{id}", user));

        Assert.Equal("Roundtrip", updated.GetProperty("profile").GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task FactorEnroll_UnknownField_400AndNoFactor()
    {
        var id = await server.CreateUserAsync("factor-unknown@example.com");
        using var admin = server.Admin();

        var response = await admin.PostAsJsonAsync($"/api/v1/users/{id}/factors",
            new { factorType = "token:software:totp", provider = "GOOGLE", profile = new { algorithm = "SHA1", digit = 8 } });

        var body = await AssertOktaErrorAsync(response, 400, "E0000001");
        Assert.Equal("Api validation failed: profile.digit", body.GetProperty("errorSummary").GetString());
        var factors = await PolicySteps.Json(await admin.GetAsync($"/api/v1/users/{id}/factors"));
        Assert.Equal(0, factors.GetArrayLength());
    }

    [Fact]
    public async Task ClientRegistration_UnknownMetadata_IgnoredAsRfc7591Says()
    {
        using var admin = server.Admin();

        var response = await admin.PostAsJsonAsync("/oauth2/v1/clients", new
        {
            client_name = "Unknown metadata", application_type = "native", grant_types = new[] { "password" },
            token_endpoint_auth_method = "none", logo_uri = "https://example.com/logo.png", software_id = "x",
        });

        Assert.Equal(201, (int)response.StatusCode);
    }
}
