using DirectAuth.Authenticator;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>/primary-authenticate and /oob-authenticate: the contract's errors for bad input, and no user enumeration.</summary>
public sealed class PrimaryAuthenticateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string NewPath = "/oauth2/default/v1/primary-authenticate";

    private async Task<(int Status, System.Text.Json.JsonElement Body)> PostAsync(string path, params (string, string)[] form) =>
        await ServerFixture.ReadAsync(await server.PostFormAsync(path, form));

    [Theory]
    [InlineData("challenge_hint", "The 'challenge_hint' parameter is required.")]
    [InlineData("login_hint", "The 'login_hint' parameter is required.")]
    [InlineData("channel_hint", "The 'channel_hint' parameter is required.")]
    public async Task PrimaryAuthenticate_MissingParameter_InvalidRequestAndNoPush(string missing, string description)
    {
        var client = await OobKit.RegisterAppAsync(server, "risky");
        var user = await OobKit.CreatePushUserAsync(server, $"missing-{missing.Replace('_', '-')}@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<DirectAuth.Authenticator.StreamConnected>();
        var form = new List<(string, string)> { ("client_id", client.ClientId), ("login_hint", user.Login), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob) };
        form.RemoveAll(p => p.Item1 == missing);

        var (status, body) = await PostAsync(NewPath, [.. form]);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
        Assert.Equal(description, body.Description());
        Assert.True(await phone.QuietAsync());
    }

    [Theory]
    [InlineData("email")]
    [InlineData("PUSH")]
    [InlineData("push sms")]
    [InlineData("totp")]
    public async Task PrimaryAuthenticate_UnknownChannelHint_InvalidRequest(string channel)
    {
        var client = await OobKit.RegisterAppAsync(server, "risky");

        var (status, body) = await PostAsync(NewPath, ("client_id", client.ClientId), ("login_hint", "someone@example.com"),
            ("channel_hint", channel), ("challenge_hint", GrantTypes.Oob));

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
        Assert.Equal("The 'channel_hint' must be one of: push, sms, voice.", body.Description());
    }

    [Fact]
    public async Task PrimaryAuthenticate_WrongChallengeHint_InvalidRequest()
    {
        var client = await OobKit.RegisterAppAsync(server, "risky");

        var (status, body) = await PostAsync("/oauth2/default/v1/oob-authenticate", ("client_id", client.ClientId),
            ("login_hint", "someone@example.com"), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Otp));

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
        Assert.Equal($"The 'challenge_hint' must be '{GrantTypes.Oob}' or '{GrantTypes.Webauthn}'.", body.Description());
    }

    [Fact]
    public async Task PrimaryAuthenticate_ParameterTwice_InvalidRequest()
    {
        var client = await OobKit.RegisterAppAsync(server, "risky");

        var (status, body) = await PostAsync(NewPath, ("client_id", client.ClientId), ("login_hint", "a@example.com"),
            ("login_hint", "b@example.com"), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
    }

    [Fact]
    public async Task PrimaryAuthenticate_AppWithoutOobGrant_UnauthorizedClient()
    {
        var client = await server.RegisterClientAsync(["password"]);

        var (status, body) = await PostAsync(NewPath, ("client_id", client.ClientId), ("login_hint", "a@example.com"),
            ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));

        Assert.Equal(400, status);
        Assert.Equal("unauthorized_client", body.Error());
        Assert.Equal("The client is not authorized to use the provided grant type. Configured grant types: [password].", body.Description());
    }

    [Fact]
    public async Task PrimaryAuthenticate_WrongClientSecret_InvalidClient()
    {
        var client = await OobKit.RegisterAppAsync(server, "risky", authMethod: "client_secret_basic", applicationType: "web");
        using var request = new HttpRequestMessage(HttpMethod.Post, NewPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["login_hint"] = "a@example.com", ["channel_hint"] = "push", ["challenge_hint"] = GrantTypes.Oob,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:wrong-secret")));

        var (status, body) = await ServerFixture.ReadAsync(await server.Http.SendAsync(request));

        Assert.Equal(401, status);
        Assert.Equal("invalid_client", body.Error());
    }

    [Fact]
    public async Task PrimaryAuthenticate_ConfidentialClientWithSecret_Works()
    {
        var client = await OobKit.RegisterAppAsync(server, "risky", authMethod: "client_secret_post", applicationType: "web");
        var user = await OobKit.CreatePushUserAsync(server, "confidential-push@example.com");

        var (status, body) = await PostAsync(NewPath, ("client_id", client.ClientId), ("client_secret", client.ClientSecret!),
            ("login_hint", user.Login), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));

        Assert.Equal(200, status);
        Assert.Equal("push", body.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task PrimaryAuthenticate_UnknownInactiveOrNotEnrolledUser_AnswersLikeAnEnrolledUser()
    {
        var client = await OobKit.RegisterAppAsync(server, "risky");
        var enrolled = await OobKit.CreatePushUserAsync(server, "enum-enrolled@example.com");
        await server.CreateUserAsync("enum-no-push@example.com");
        var suspended = await OobKit.CreatePushUserAsync(server, "enum-suspended@example.com");
        using (var admin = server.Admin())
            Assert.True((await admin.PostAsync($"/api/v1/users/{suspended.UserId}/lifecycle/suspend", null)).IsSuccessStatusCode);

        var real = await OobKit.StartAsync(server, client.ClientId, enrolled.Login);
        foreach (var login in new[] { "enum-nobody@example.com", "enum-no-push@example.com", suspended.Login })
        {
            var (status, body) = await OobKit.StartAsync(server, client.ClientId, login);

            Assert.Equal(real.Status, status);
            Assert.Equal(real.Body.EnumerateObject().Select(p => p.Name), body.EnumerateObject().Select(p => p.Name));
            Assert.Equal(real.Body.GetProperty("binding_method").GetString(), body.GetProperty("binding_method").GetString());
            Assert.Equal(real.Body.GetProperty("binding_code").GetString()!.Length, body.GetProperty("binding_code").GetString()!.Length);
            var (pollStatus, poll) = await OobKit.PollAsync(server, client.ClientId, body.GetProperty("oob_code").GetString()!);
            Assert.Equal(400, pollStatus);
            Assert.Equal("authorization_pending", poll.Error());
        }
    }

    [Fact]
    public async Task PrimaryAuthenticate_UnknownServer_404()
    {
        var client = await OobKit.RegisterAppAsync(server, "risky");

        var (status, _) = await PostAsync("/oauth2/nosuchserver/v1/primary-authenticate", ("client_id", client.ClientId),
            ("login_hint", "a@example.com"), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));

        Assert.Equal(404, status);
    }

    [Fact]
    public async Task PrimaryAuthenticate_JsonBody_InvalidRequest()
    {
        var client = await OobKit.RegisterAppAsync(server, "risky");

        var (status, body) = await ServerFixture.ReadAsync(await server.Http.PostAsJsonAsync(NewPath,
            new { client_id = client.ClientId, login_hint = "a@example.com", channel_hint = "push" }));

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
    }
}
