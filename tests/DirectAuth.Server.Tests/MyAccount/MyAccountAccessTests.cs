using System.Net.Http.Json;
using DirectAuth.Protocol;
using static DirectAuth.Server.Tests.MyAccount.MyAccountSteps;

namespace DirectAuth.Server.Tests.MyAccount;

/// <summary>Who may call the MyAccount API: tokens, scopes, app grants, step-up (RFC 9470), acr_values and max_age.</summary>
public sealed class MyAccountAccessTests(MyAccountServer server) : IClassFixture<MyAccountServer>
{
    [Fact]
    public async Task Factors_NoToken_401BearerChallengeWithoutError()
    {
        var (status, body, response) = await GetAsync(server, null, "/factors");
        Assert.Equal(401, status);
        Assert.Equal("Bearer", Header(response, "WWW-Authenticate"));
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Factors_GarbageToken_401InvalidToken()
    {
        var (status, body, response) = await GetAsync(server, "not-a-token", "/factors");
        Assert.Equal(401, status);
        Assert.Equal("invalid_token", body.GetProperty("error").GetString());
        Assert.StartsWith("Bearer error=\"invalid_token\"", Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Factors_TokenOfDefaultServer_401InvalidToken()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var (status, tokens) = await server.PasswordGrantAsync(client.ClientId, login, Infrastructure.ServerFixture.DefaultPassword, "openid");
        Assert.Equal(200, status);
        var (apiStatus, body, _) = await GetAsync(server, tokens.GetProperty("access_token").GetString(), "/factors");
        Assert.Equal(401, apiStatus);
        Assert.Equal("invalid_token", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Factors_TokenWithoutScope_403InsufficientScope()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login, "openid okta.myAccount.password.manage");
        var (status, body, response) = await GetAsync(server, token, "/factors");
        Assert.Equal(403, status);
        Assert.Equal("insufficient_scope", body.GetProperty("error").GetString());
        Assert.Contains("scope=\"okta.myAccount.authenticators.read\"", Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Factors_ReadScope_ListsButCannotEnroll()
    {
        var client = await AppAsync(server, [MyAccountScopes.AuthenticatorsRead]);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login, "openid okta.myAccount.authenticators.read");
        var (status, body, _) = await GetAsync(server, token, "/factors");
        Assert.Equal(200, status);
        Assert.Equal(0, body.GetArrayLength());
        var (enroll, error, _) = await PostAsync(server, token, "/factors", new { factorType = "token:software:totp" });
        Assert.Equal(403, enroll);
        Assert.Equal("insufficient_scope", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task TokenRequest_ScopeNotGrantedToApp_InvalidScope()
    {
        var client = await AppAsync(server, [MyAccountScopes.AuthenticatorsRead]);
        var (_, login) = await UserAsync(server);
        var (status, body) = await PasswordAsync(server, client.ClientId, login, "openid okta.myAccount.authenticators.manage");
        Assert.Equal(400, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
        Assert.Contains("okta.myAccount.authenticators.manage", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task TokenRequest_MyAccountScopeAtCustomServer_InvalidScope()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var (status, body) = await server.PasswordGrantAsync(client.ClientId, login, Infrastructure.ServerFixture.DefaultPassword, "openid okta.myAccount.authenticators.read");
        Assert.Equal(400, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Grant_Revoked_TokensIssuedBeforeLoseTheScope()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        Assert.Equal(200, (await GetAsync(server, token, "/factors")).Status);
        using (var admin = server.Admin())
        {
            Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/apps/{client.ClientId}/grants/{MyAccountScopes.AuthenticatorsManage}")).StatusCode);
            Assert.Equal(404, (int)(await admin.DeleteAsync($"/api/v1/apps/{client.ClientId}/grants/{MyAccountScopes.AuthenticatorsManage}")).StatusCode);
        }
        var (status, body, _) = await GetAsync(server, token, "/factors");
        Assert.Equal(403, status);
        Assert.Equal("insufficient_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Grant_UnknownScope_400AndUnknownApp_404()
    {
        var client = await server.RegisterClientAsync();
        using var admin = server.Admin();
        var (status, body) = await Infrastructure.ServerFixture.ReadAsync(
            await admin.PostAsJsonAsync($"/api/v1/apps/{client.ClientId}/grants", new { scopeId = "okta.users.manage" }));
        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
        var (missing, _) = await Infrastructure.ServerFixture.ReadAsync(
            await admin.PostAsJsonAsync("/api/v1/apps/0oanobody/grants", new { scopeId = MyAccountScopes.PhoneRead }));
        Assert.Equal(404, missing);
        var (list, grants) = await Infrastructure.ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/apps/{client.ClientId}/grants"));
        Assert.Equal(200, list);
        Assert.Equal(0, grants.GetArrayLength());
    }

    [Fact]
    public async Task Enroll_SignInOlderThanWindow_401StepUpWithMaxAge()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        server.Clock.Advance(TimeSpan.FromSeconds(601));
        var (status, body, response) = await PostAsync(server, token, "/factors", new { factorType = "token:software:totp" });
        Assert.Equal(401, status);
        Assert.Equal("insufficient_user_authentication", body.GetProperty("error").GetString());
        var header = Header(response, "WWW-Authenticate");
        Assert.StartsWith("Bearer error=\"insufficient_user_authentication\"", header);
        Assert.Contains("max_age=600", header);
        Assert.DoesNotContain("acr_values", header);
        // Signing in again (max_age=600 is met by any direct sign-in) is enough for a user without factors.
        var fresh = await SignInAsync(server, client.ClientId, login, AllScopes, ("max_age", "600"));
        Assert.Equal(200, (await PostAsync(server, fresh, "/factors", new { factorType = "token:software:totp" })).Status);
    }

    [Fact]
    public async Task Enroll_UserWithFactorSignedInWithPasswordOnly_401StepUpWithAcrValues_ThenAcrValuesForcesMfa()
    {
        // The app's policy asks for no second factor, so a password sign-in gives tokens with amr [pwd].
        var client = await AppAsync(server, rule: new { secondFactor = "none" });
        var (_, login) = await UserAsync(server);
        var first = await SignInAsync(server, client.ClientId, login);
        var (_, secret) = await EnrollTotpAsync(server, first);

        var weak = await SignInAsync(server, client.ClientId, login);
        var (status, body, response) = await PostAsync(server, weak, "/factors", new { factorType = "push" });
        Assert.Equal(401, status);
        Assert.Equal("insufficient_user_authentication", body.GetProperty("error").GetString());
        Assert.Contains("acr_values=\"urn:okta:loa:2fa:any\"", Header(response, "WWW-Authenticate"));
        Assert.DoesNotContain("max_age", Header(response, "WWW-Authenticate"));

        // acr_values=urn:okta:loa:2fa:any makes the same policy ask for the second factor.
        var strong = await SignInWithTotpAsync(server, client.ClientId, login, secret, ("acr_values", "urn:okta:loa:2fa:any"));
        Assert.Equal(200, (await PostAsync(server, strong, "/factors", new { factorType = "push" })).Status);

        var events = await Phone.PhoneSteps.AuditAsync(server, "user.account.self_service.refused");
        Assert.Contains(events, e => e.ActorAlternateId == login && e.Reason == "STEP_UP_REQUIRED");
    }

    [Fact]
    public async Task TokenRequest_AcrValuesTwoFactorForUserWithoutFactor_AccessDenied()
    {
        var client = await AppAsync(server, rule: new { secondFactor = "none" });
        var (_, login) = await UserAsync(server);
        var (status, body) = await PasswordAsync(server, client.ClientId, login, AllScopes, ("acr_values", "urn:okta:loa:2fa:any"));
        Assert.Equal(400, status);
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
        // An acr value DirectAuth does not know is ignored (OIDC: acr is voluntary).
        Assert.Equal(200, (await PasswordAsync(server, client.ClientId, login, AllScopes, ("acr_values", "urn:example:unknown"))).Status);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    public async Task TokenRequest_MalformedMaxAge_InvalidRequest(string maxAge)
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var (status, body) = await PasswordAsync(server, client.ClientId, login, AllScopes, ("max_age", maxAge));
        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Accept_OtherOktaVersion_406_AndVersion100_Ok()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        using var api = Api(server, token);
        using var other = new HttpRequestMessage(HttpMethod.Get, "/idp/myaccount/factors");
        other.Headers.TryAddWithoutValidation("Accept", "application/json; okta-version=2.0.0");
        Assert.Equal(406, (int)(await api.SendAsync(other)).StatusCode);
        using var current = new HttpRequestMessage(HttpMethod.Get, "/idp/myaccount/factors");
        current.Headers.TryAddWithoutValidation("Accept", "application/json; okta-version=1.0.0");
        var ok = await api.SendAsync(current);
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal("application/json", ok.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Enroll_MalformedBody_400NotA500()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        using var api = Api(server, token);
        var response = await api.PostAsync("/idp/myaccount/factors", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        var (unknown, body, _) = await PostAsync(server, token, "/factors", new { factorType = "question" });
        Assert.Equal(400, unknown);
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
    }
}
