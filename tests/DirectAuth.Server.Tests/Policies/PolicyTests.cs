using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using static DirectAuth.Server.Tests.Mfa.MfaSteps;

namespace DirectAuth.Server.Tests.Policies;

/// <summary>Sign-on policies per app, with rules for groups, and how sign-in follows them.</summary>
public sealed class PolicyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task DefaultPolicy_PasswordPrimarySecondFactorIfEnrolled()
    {
        using var admin = server.Admin();

        var policy = await PolicySteps.Json(await admin.GetAsync("/api/v1/policies/default"));

        Assert.Equal("default", policy.GetProperty("id").GetString());
        Assert.True(policy.GetProperty("system").GetBoolean());
        var rule = Assert.Single(policy.GetProperty("_embedded").GetProperty("rules").EnumerateArray());
        Assert.Equal("Catch-all Rule", rule.GetProperty("name").GetString());
        Assert.True(rule.GetProperty("system").GetBoolean());
        Assert.Equal(["password", "webauthn"], Strings(rule, "primaryFactors"));
        Assert.Equal("if_enrolled", rule.GetProperty("secondFactor").GetString());
        Assert.Equal(["otp", "push", "sms", "voice", "recovery_code", "webauthn"], Strings(rule, "secondFactors"));
        Assert.True(rule.GetProperty("passkeyCountsAsTwoFactors").GetBoolean());
        Assert.Equal("always", rule.GetProperty("numberChallenge").GetString());
        Assert.Empty(Strings(rule, "groups"));
    }

    [Fact]
    public async Task GroupRule_RequiresSecondFactor_OnlyForMembers()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        var memberId = await server.CreateUserAsync("contractor@example.com");
        await server.CreateUserAsync("employee@example.com");
        var group = await server.CreateGroupAsync("Contractors " + Guid.NewGuid().ToString("N")[..6], memberId);
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { secondFactor = "if_enrolled" });
        using var admin = server.Admin();
        await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/policies/{policyId}/rules",
            new { name = "Contractors need MFA", priority = 1, groups = new[] { group }, secondFactor = "required", secondFactors = new[] { "otp" } }));

        var member = await server.PasswordGrantAsync(client.ClientId, "contractor@example.com", ServerFixture.DefaultPassword);
        var other = await server.PasswordGrantAsync(client.ClientId, "employee@example.com", ServerFixture.DefaultPassword);

        AssertError(member.Status, member.Body, 400, "access_denied",
            "The app's sign-on policy requires an additional factor, and the user has no enrolled factor that the policy accepts.");
        Assert.Equal(200, other.Status);

        await server.EnrollTotpAsync(memberId);
        var enrolled = await server.PasswordGrantAsync(client.ClientId, "contractor@example.com", ServerFixture.DefaultPassword);
        AssertError(enrolled.Status, enrolled.Body, 403, "mfa_required");

        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/groups/{group}/users/{memberId}")).StatusCode);
        var removed = await server.PasswordGrantAsync(client.ClientId, "contractor@example.com", ServerFixture.DefaultPassword);
        AssertError(removed.Status, removed.Body, 403, "mfa_required"); // the catch-all still asks: the user has TOTP now
    }

    [Fact]
    public async Task GroupRule_Everyone_AppliesToAUserInNoGroup()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        await server.CreateUserAsync("everyone-rule@example.com");
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { secondFactor = "if_enrolled" });
        using var admin = server.Admin();
        var rule = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/policies/{policyId}/rules",
            new { name = "Everyone needs MFA", priority = 1, groups = new[] { "00geveryone" }, secondFactor = "required", secondFactors = new[] { "otp" } }));
        Assert.True(rule.Status is 200 or 201, rule.Body.ToString());

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, "everyone-rule@example.com", ServerFixture.DefaultPassword);

        AssertError(status, body, 400, "access_denied",
            "The app's sign-on policy requires an additional factor, and the user has no enrolled factor that the policy accepts.");
    }

    [Fact]
    public async Task Rule_SecondFactorNone_UserWithTotpSignsInWithPassword()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        await server.AssignPolicyAsync(client.ClientId, new { secondFactor = "none" });

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);

        Assert.Equal(200, status);
        var id = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["pwd"], id.GetPayloadValue<string[]>("amr"));
    }

    [Fact]
    public async Task Rule_PasswordNotAllowed_PasswordGrantDenied()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        await server.CreateUserAsync("otp-only-app@example.com");
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "otp" } });

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, "otp-only-app@example.com", ServerFixture.DefaultPassword);

        AssertError(status, body, 400, "access_denied", "Policy evaluation failed for this request, please check the policy configurations.");
        var evaluation = await AuditEvents.AllAsync(server, "policy.evaluate_sign_on");
        Assert.Contains(evaluation, e => e.Outcome == "DENY" && e.Reason == "PRIMARY_FACTOR_NOT_ALLOWED");
    }

    [Fact]
    public async Task Rule_SecondFactorsExcludeOtp_UserWithOnlyTotp_NoMfaIfEnrolled()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        await server.AssignPolicyAsync(client.ClientId, new { secondFactors = new[] { "push" } });

        var (status, _) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task AssignDefault_AppReturnsToDefaultPolicy()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { secondFactor = "none" });
        using var admin = server.Admin();
        var apps = await PolicySteps.Json(await admin.GetAsync($"/api/v1/policies/{policyId}/apps"));
        Assert.Equal([client.ClientId], apps.EnumerateArray().Select(a => a.GetProperty("client_id").GetString()!).ToArray());
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword)).Status);

        Assert.Equal(204, (int)(await admin.PutAsync($"/api/v1/apps/{client.ClientId}/policies/default", null)).StatusCode);

        AssertError((await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword)).Status,
            (await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword)).Body, 403, "mfa_required");
        var appPolicy = await PolicySteps.Json(await admin.GetAsync($"/api/v1/apps/{client.ClientId}/policy"));
        Assert.Equal("default", appPolicy.GetProperty("id").GetString());
    }

    [Fact]
    public async Task AppPolicy_ForUser_ShowsEffectiveRuleAndEnrolledFactors()
    {
        var (client, totp, _) = await server.UserWithTotpAsync();
        var group = await server.CreateGroupAsync("Effective " + Guid.NewGuid().ToString("N")[..6], totp.UserId);
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { secondFactor = "if_enrolled" });
        using var admin = server.Admin();
        var rule = await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/policies/{policyId}/rules",
            new { name = "Group rule", groups = new[] { group }, numberChallenge = "always" }));

        var view = await PolicySteps.Json(await admin.GetAsync($"/api/v1/apps/{client.ClientId}/policy?user={totp.UserId}"));

        Assert.Equal(policyId, view.GetProperty("id").GetString());
        Assert.Equal(rule.GetProperty("id").GetString(), view.GetProperty("effectiveRule").GetString());
        Assert.Equal(["otp", "recovery_code"], Strings(view, "enrolledFactors"));
        Assert.Equal(2, view.GetProperty("_embedded").GetProperty("rules").GetArrayLength());
    }

    [Fact]
    public async Task Rules_EvaluatedByPriority_LowerFirst()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        var userId = await server.CreateUserAsync("priority@example.com");
        var group = await server.CreateGroupAsync("Priority " + Guid.NewGuid().ToString("N")[..6], userId);
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { });
        using var admin = server.Admin();
        await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/policies/{policyId}/rules",
            new { name = "Deny-ish", priority = 5, groups = new[] { group }, primaryFactors = new[] { "otp" } }));
        await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/policies/{policyId}/rules",
            new { name = "Allow password", priority = 2, groups = new[] { group }, primaryFactors = new[] { "password" } }));

        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, "priority@example.com", ServerFixture.DefaultPassword)).Status);
    }

    [Theory]
    [InlineData("{\"primaryFactors\":[\"fingerprint\"]}")]
    [InlineData("{\"primaryFactors\":[]}")]
    [InlineData("{\"secondFactor\":\"sometimes\"}")]
    [InlineData("{\"secondFactors\":[\"email\"]}")]
    [InlineData("{\"numberChallenge\":\"maybe\"}")]
    [InlineData("{\"groups\":[\"00gdoesnotexist0000\"]}")]
    [InlineData("{\"secondFactor\":\"required\",\"secondFactors\":[]}")]
    [InlineData("{\"priority\":-1}")]
    public async Task RuleUpdate_InvalidField_400E0000001AndUnchanged(string json)
    {
        var client = await server.RegisterClientAsync(AllGrants);
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { });
        using var admin = server.Admin();
        var rule = await PolicySteps.Json(await admin.PostAsJsonAsync($"/api/v1/policies/{policyId}/rules", new { name = "Validated" }));
        var ruleId = rule.GetProperty("id").GetString();
        var before = await admin.GetStringAsync($"/api/v1/policies/{policyId}/rules/{ruleId}");

        var (status, error) = await ServerFixture.ReadAsync(await admin.PutAsync($"/api/v1/policies/{policyId}/rules/{ruleId}",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json")));

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
        Assert.Equal(before, await admin.GetStringAsync($"/api/v1/policies/{policyId}/rules/{ruleId}"));
    }

    [Fact]
    public async Task RuleCreate_MalformedJson_400E0000003()
    {
        using var admin = server.Admin();
        var (status, error) = await ServerFixture.ReadAsync(await admin.PostAsync("/api/v1/policies/default/rules",
            new StringContent("{\"name\": \"x\", \"priority\": \"high\"}", System.Text.Encoding.UTF8, "application/json")));

        Assert.Equal(400, status);
        Assert.Equal("E0000003", error.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task CatchAll_CannotBeDeletedOrGivenGroups()
    {
        using var admin = server.Admin();
        var policy = await PolicySteps.Json(await admin.GetAsync("/api/v1/policies/default"));
        var catchAll = policy.GetProperty("_embedded").GetProperty("rules")[0].GetProperty("id").GetString();
        var group = await server.CreateGroupAsync("CatchAll " + Guid.NewGuid().ToString("N")[..6]);

        var delete = await ServerFixture.ReadAsync(await admin.DeleteAsync($"/api/v1/policies/default/rules/{catchAll}"));
        var groups = await ServerFixture.ReadAsync(await admin.PutAsJsonAsync($"/api/v1/policies/default/rules/{catchAll}", new { groups = new[] { group } }));

        Assert.Equal(400, delete.Status);
        Assert.Equal(400, groups.Status);
    }

    [Fact]
    public async Task Policy_DefaultOrAssigned_CannotBeDeleted_UnassignedCan()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        var assigned = await server.AssignPolicyAsync(client.ClientId, new { });
        using var admin = server.Admin();
        var loose = (await PolicySteps.Json(await admin.PostAsJsonAsync("/api/v1/policies", new { name = "Loose" }))).GetProperty("id").GetString();

        Assert.Equal(400, (int)(await admin.DeleteAsync("/api/v1/policies/default")).StatusCode);
        Assert.Equal(400, (int)(await admin.DeleteAsync($"/api/v1/policies/{assigned}")).StatusCode);
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/policies/{loose}")).StatusCode);
        Assert.Equal(404, (int)(await admin.GetAsync($"/api/v1/policies/{loose}")).StatusCode);
    }

    [Fact]
    public async Task Assign_UnknownAppOrPolicy_404()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        using var admin = server.Admin();

        Assert.Equal(404, (int)(await admin.PutAsync("/api/v1/apps/0oanope/policies/default", null)).StatusCode);
        Assert.Equal(404, (int)(await admin.PutAsync($"/api/v1/apps/{client.ClientId}/policies/rstnope", null)).StatusCode);
    }

    [Fact]
    public async Task PoliciesApi_WithoutApiToken_401()
    {
        var response = await server.Http.GetAsync("/api/v1/policies");

        Assert.Equal(401, (int)response.StatusCode);
    }

    [Fact]
    public async Task DeletingApp_RemovesItsAssignment()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        var policyId = await server.AssignPolicyAsync(client.ClientId, new { });
        using var admin = server.Admin();

        Assert.Equal(204, (int)(await admin.DeleteAsync($"/oauth2/v1/clients/{client.ClientId}")).StatusCode);

        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/policies/{policyId}")).StatusCode);
    }

    private static string[] Strings(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
