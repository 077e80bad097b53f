using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static DirectAuth.Server.Tests.Mfa.MfaSteps;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>
/// The seams the out-of-band feature plugs into, exercised the way it will use them: /challenge hands
/// push, SMS and voice to the registered <see cref="IOutOfBandChallenger"/>, and an mfa-oob grant finishes
/// the sign-in through <see cref="MfaTransactions"/>. Both are small doubles of that feature (it lives
/// elsewhere); the push factor row stands in for the enrollment its Factors API handler will make.
/// </summary>
public sealed class OutOfBandSeamTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private sealed class RecordingChallenger : IOutOfBandChallenger
    {
        public List<(string ClientId, string UserId, string Channel, IReadOnlyList<string> Amr)> Calls { get; } = [];

        public Task<ChallengeOutcome> ChallengeAsync(OAuthContext context, Application client, MfaTransaction transaction, string channel, CancellationToken ct)
        {
            Calls.Add((client.ClientId, transaction.UserId, channel, transaction.AmrList));
            return Task.FromResult<ChallengeOutcome>(new ChallengeResponse
            {
                ChallengeType = GrantTypes.MfaOob, OobCode = "oob-from-the-challenger", Channel = channel,
                BindingMethod = BindingMethods.Transfer, BindingCode = "95", ExpiresIn = 300, Interval = 5,
            });
        }
    }

    /// <summary>An mfa-oob grant that treats <c>oob_code=approved</c> as an approved push: enough to drive the transaction API.</summary>
    private sealed class ApprovingOobGrant(MfaTransactions transactions) : ITokenGrant
    {
        public string GrantType => GrantTypes.MfaOob;

        public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
        {
            var (tx, error) = await transactions.FindAsync(request.Context, request.Client, request.Form[Parameters.MfaToken], ct);
            if (tx is null) return error!;
            if (request.Form[Parameters.OobCode] != "approved")
                return await transactions.RecordWrongCodeAsync(tx, OAuthError.InvalidGrant("denied"), "TEST_DENIED", ct);
            return await transactions.CompleteAsync(request, tx, "push", ct);
        }
    }

    private WebApplicationFactory<Program> WithOob(RecordingChallenger challenger) =>
        server.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            // Stand in for the out-of-band feature's own challenger and mfa-oob grant.
            foreach (var real in s.Where(d => d.ImplementationType == typeof(DirectAuth.Server.OutOfBand.OobChallenger) || d.ImplementationType == typeof(MfaOobGrant)).ToList())
                s.Remove(real);
            s.AddSingleton<IOutOfBandChallenger>(challenger);
            s.AddScoped<ITokenGrant, ApprovingOobGrant>();
        }));

    [Fact]
    public async Task Challenge_PushHintWithChallengerRegistered_AnswersWhatTheChallengerSays()
    {
        var challenger = new RecordingChallenger();
        await using var factory = WithOob(challenger);
        using var http = factory.CreateClient(new() { BaseAddress = new Uri("http://localhost") });
        var (clientId, userId, mfaToken) = await PushUserSignedInAsync(factory, http, "push-user@example.com");

        var response = await http.PostAsync("/oauth2/default/v1/challenge", Form(("client_id", clientId),
            ("mfa_token", mfaToken), ("challenge_types_supported", $"{MfaOtp} {MfaOob}"), ("channel_hint", "push")));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(
            "{\"challenge_type\":\"http://auth0.com/oauth/grant-type/mfa-oob\",\"oob_code\":\"oob-from-the-challenger\",\"channel\":\"push\",\"binding_method\":\"transfer\",\"binding_code\":\"95\",\"expires_in\":300,\"interval\":5}",
            await response.Content.ReadAsStringAsync());
        var call = Assert.Single(challenger.Calls);
        Assert.Equal((clientId, userId, "push"), (call.ClientId, call.UserId, call.Channel));
        Assert.Equal(["pwd"], call.Amr);
    }

    [Fact]
    public async Task Challenge_SmsHintForUserWithPushOnly_UnsupportedChallengeType()
    {
        var challenger = new RecordingChallenger();
        await using var factory = WithOob(challenger);
        using var http = factory.CreateClient(new() { BaseAddress = new Uri("http://localhost") });
        var (clientId, _, mfaToken) = await PushUserSignedInAsync(factory, http, "push-not-sms@example.com");

        var (status, body) = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/challenge",
            Form(("client_id", clientId), ("mfa_token", mfaToken), ("channel_hint", "sms"))));

        AssertError(status, body, 400, "unsupported_challenge_type");
        Assert.Empty(challenger.Calls);
    }

    [Fact]
    public async Task MfaOobDouble_CompletesThroughTransactions_AmrPwdSwkMfaAndSingleUse()
    {
        await using var factory = WithOob(new RecordingChallenger());
        using var http = factory.CreateClient(new() { BaseAddress = new Uri("http://localhost") });
        var (clientId, _, mfaToken) = await PushUserSignedInAsync(factory, http, "push-complete@example.com");

        var denied = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/token",
            Form(("grant_type", MfaOob), ("client_id", clientId), ("mfa_token", mfaToken), ("oob_code", "nope"))));
        var (status, body) = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/token",
            Form(("grant_type", MfaOob), ("client_id", clientId), ("mfa_token", mfaToken), ("oob_code", "approved"))));
        var again = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/token",
            Form(("grant_type", MfaOob), ("client_id", clientId), ("mfa_token", mfaToken), ("oob_code", "approved"))));

        AssertError(denied.Status, denied.Body, 400, "invalid_grant", "denied");
        Assert.Equal(200, status);
        var id = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.GetProperty("id_token").GetString());
        Assert.Equal(["pwd", "swk", "mfa"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:2fa:any", id.GetPayloadValue<string>("acr"));
        AssertError(again.Status, again.Body, 403, "access_denied", ExpiredMfaToken);
    }

    private async Task<(string ClientId, string UserId, string MfaToken)> PushUserSignedInAsync(WebApplicationFactory<Program> factory, HttpClient http, string login)
    {
        using var admin = factory.CreateClient(new() { BaseAddress = new Uri("http://localhost") });
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        var registered = await admin.PostAsJsonAsync("/oauth2/v1/clients", new Dictionary<string, object>
        {
            ["client_name"] = "oob seam", ["application_type"] = "native", ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = new[] { "password", MfaOtp, MfaOob },
        });
        var clientId = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["client_id"]!.GetValue<string>();
        var userId = await server.CreateUserAsync(login);
        using (var scope = server.Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
            var now = server.Clock.GetUtcNow();
            db.Add(new Factor
            {
                Id = "opf" + Guid.NewGuid().ToString("N")[..17], UserId = userId, FactorType = FactorTypes.Push, Provider = "OKTA",
                Status = FactorStatus.Active, Created = now, LastUpdated = now,
            });
            await db.SaveChangesAsync();
        }
        var (_, password) = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/token", Form(("grant_type", "password"),
            ("client_id", clientId), ("username", login), ("password", ServerFixture.DefaultPassword), ("scope", "openid"))));
        Assert.Equal("mfa_required", password.GetProperty("error").GetString());
        return (clientId, userId, password.GetProperty("mfa_token").GetString()!);
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] form) =>
        new(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
}
