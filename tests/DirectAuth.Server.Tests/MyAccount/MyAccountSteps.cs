using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Totp;

namespace DirectAuth.Server.Tests.MyAccount;

/// <summary>A server with passkeys at http://localhost, so every factor type can be enrolled through the MyAccount API.</summary>
public sealed class MyAccountServer : ServerFixture
{
    public const string Origin = "http://localhost";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passkeys:RpId"] = "localhost",
        ["Passkeys:Origins:0"] = Origin,
    };
}

/// <summary>MyAccount test steps, through the public surfaces only: the admin API to set up, the org server's token endpoint, the MyAccount API.</summary>
public static class MyAccountSteps
{
    public const string OrgToken = "/oauth2/v1/token";
    public const string MfaOtp = "http://auth0.com/oauth/grant-type/mfa-otp";
    public static readonly string[] Grants = ["password", "refresh_token", MfaOtp, "http://auth0.com/oauth/grant-type/mfa-oob",
        "urn:okta:params:oauth:grant-type:webauthn", "urn:okta:params:oauth:grant-type:mfa-webauthn"];
    public const string AllScopes = "openid profile offline_access okta.myAccount.authenticators.manage okta.myAccount.phone.manage okta.myAccount.password.manage";

    /// <summary>An app granted <paramref name="scopes"/> (all MyAccount scopes by default), with an optional catch-all policy rule.</summary>
    public static async Task<RegisteredClient> AppAsync(ServerFixture server, string[]? scopes = null, object? rule = null)
    {
        var client = await server.RegisterClientAsync(Grants);
        using var admin = server.Admin();
        foreach (var scope in scopes ?? MyAccountScopes.All)
        {
            var granted = await admin.PostAsJsonAsync($"/api/v1/apps/{client.ClientId}/grants", new { scopeId = scope });
            Assert.Equal(201, (int)granted.StatusCode);
        }
        if (rule is not null) await Policies.PolicySteps.AssignPolicyAsync(server, client.ClientId, rule);
        return client;
    }

    public static async Task<(string UserId, string Login)> UserAsync(ServerFixture server)
    {
        var login = $"me-{Guid.NewGuid():N}@example.com";
        return (await server.CreateUserAsync(login), login);
    }

    /// <summary>A password sign-in at the org server that must give tokens; returns the access token.</summary>
    public static async Task<string> SignInAsync(ServerFixture server, string clientId, string login, string scope = AllScopes, params (string, string)[] extra)
    {
        var (status, body) = await PasswordAsync(server, clientId, login, scope, extra);
        Assert.True(status == 200, $"sign-in: {status} {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    public static async Task<(int Status, JsonElement Body)> PasswordAsync(ServerFixture server, string clientId, string login, string scope = AllScopes,
        params (string, string)[] extra) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync(OrgToken,
            [("grant_type", "password"), ("client_id", clientId), ("username", login), ("password", ServerFixture.DefaultPassword), ("scope", scope), .. extra]));

    /// <summary>Password then TOTP (code from oathtool): an access token whose amr has mfa.</summary>
    public static async Task<string> SignInWithTotpAsync(ServerFixture server, string clientId, string login, string secret, params (string, string)[] extra)
    {
        var (status, body) = await PasswordAsync(server, clientId, login, AllScopes, extra);
        Assert.True(status == 403, $"expected mfa_required: {status} {body}");
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var otp = OathTool.Totp(secret, server.Clock.GetUtcNow());
        var (tokenStatus, tokens) = await ServerFixture.ReadAsync(await server.PostFormAsync(OrgToken,
            ("grant_type", MfaOtp), ("client_id", clientId), ("mfa_token", body.GetProperty("mfa_token").GetString()!), ("otp", otp)));
        Assert.True(tokenStatus == 200, $"mfa-otp: {tokenStatus} {tokens}");
        return tokens.GetProperty("access_token").GetString()!;
    }

    public static HttpClient Api(ServerFixture server, string? token)
    {
        var client = server.Factory.CreateClient(new() { BaseAddress = new Uri("http://localhost") });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(ServerFixture server, string? token, HttpMethod method, string path, object? body = null)
    {
        using var api = Api(server, token);
        using var request = new HttpRequestMessage(method, "/idp/myaccount" + path);
        if (body is not null) request.Content = JsonContent.Create(body);
        var response = await api.SendAsync(request);
        var (status, json) = await ServerFixture.ReadAsync(response);
        return (status, json, response);
    }

    public static Task<(int Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(ServerFixture server, string? token, string path) =>
        SendAsync(server, token, HttpMethod.Get, path);

    public static Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(ServerFixture server, string? token, string path, object? body = null) =>
        SendAsync(server, token, HttpMethod.Post, path, body ?? new { });

    public static Task<(int Status, JsonElement Body, HttpResponseMessage Response)> DeleteAsync(ServerFixture server, string? token, string path) =>
        SendAsync(server, token, HttpMethod.Delete, path);

    /// <summary>Enrolls and activates TOTP through the MyAccount API; returns the factor id and the secret.</summary>
    public static async Task<(string FactorId, string Secret)> EnrollTotpAsync(ServerFixture server, string token)
    {
        var (status, body, _) = await PostAsync(server, token, "/factors", new { factorType = "token:software:totp", provider = "GOOGLE" });
        Assert.True(status == 200, $"enroll TOTP: {status} {body}");
        var id = body.GetProperty("id").GetString()!;
        var secret = body.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!;
        var (activated, factor, _) = await PostAsync(server, token, $"/factors/{id}/lifecycle/activate",
            new { passCode = OathTool.Totp(secret, server.Clock.GetUtcNow()) });
        Assert.True(activated == 200, $"activate TOTP: {activated} {factor}");
        return (id, secret);
    }

    /// <summary>Adds and verifies a phone (SMS) through the MyAccount API, reading the code from the outbox; returns its id.</summary>
    public static async Task<string> AddPhoneAsync(ServerFixture server, string token, string phone)
    {
        var (status, body, _) = await PostAsync(server, token, "/phones", new { profile = new { phoneNumber = phone }, method = "SMS" });
        Assert.True(status == 201, $"add phone: {status} {body}");
        var id = body.GetProperty("id").GetString()!;
        var code = await Phone.PhoneSteps.LatestCodeAsync(server, phone);
        var (verified, answer, _) = await PostAsync(server, token, $"/phones/{id}/verify", new { verificationCode = code });
        // 204 (Okta's answer); 200 with the recovery codes when this phone is the user's first factor.
        Assert.True(verified == 204 || (verified == 200 && answer.GetProperty("recoveryCodes").GetArrayLength() == 10), $"verify phone: {verified} {answer}");
        return id;
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    public static string ErrorCause(JsonElement body) => body.GetProperty("errorCauses")[0].GetProperty("errorSummary").GetString()!;
}
