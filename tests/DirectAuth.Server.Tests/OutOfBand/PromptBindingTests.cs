using System.Collections.Concurrent;
using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.OutOfBand;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>
/// The core's <c>binding_method=prompt</c> path (what SMS and voice use): the client sends the code the user
/// received as <c>binding_code</c>. The channel here stands in for the phone network — it "delivers" by
/// remembering the code — and reuses the push factor as the user's enrollment, so the core is tested
/// without the SMS feature.
/// </summary>
public sealed class PromptBindingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>A voice channel whose "phone" is this dictionary: transaction id → the code it received.</summary>
    private sealed class PhoneNetworkChannel : IOobChannel
    {
        public static readonly ConcurrentDictionary<string, string> Received = new();
        public string Channel => Channels.Voice;
        public string FactorType => "push";
        public IReadOnlyList<string> Amr { get; } = ["tel"];
        public Task<OobBinding> BindAsync(OobStart start, CancellationToken ct) => Task.FromResult(new OobBinding(BindingMethods.Prompt, OobBindingCodes.NewCode(6)));
        public Task<OAuthError?> DeliverAsync(OobStart start, OobBinding binding, CancellationToken ct)
        {
            // A decoy (no user) is handed to the channel too, for the same work; it must deliver nothing.
            if (start.User is not null) Received[start.Transaction.Id] = binding.Code!;
            return Task.FromResult<OAuthError?>(null);
        }
        public Task<bool> VerifyBindingCodeAsync(OobTransaction transaction, string expectedCode, string presented, CancellationToken ct) =>
            Task.FromResult(OobBindingCodes.Matches(expectedCode, presented));
    }

    private HttpClient Client() => server.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
    {
        s.RemoveAll<IOobChannel>();
        s.AddScoped<IOobChannel, PhoneNetworkChannel>();
    })).CreateClient();

    private static async Task<(int Status, System.Text.Json.JsonElement Body)> PostAsync(HttpClient http, string path, params (string, string)[] form) =>
        await ServerFixture.ReadAsync(await http.PostAsync(path, new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)))));

    private async Task<(HttpClient Http, string ClientId, string OobCode, string Received)> StartAsync(string login, bool enrolled = true)
    {
        var http = Client();
        var client = await OobKit.RegisterAppAsync(server, "never", secondFactor: "none");
        if (enrolled) await OobKit.CreatePushUserAsync(server, login);
        var before = PhoneNetworkChannel.Received.Keys.ToHashSet();
        var (status, body) = await PostAsync(http, "/oauth2/default/v1/primary-authenticate",
            ("client_id", client.ClientId), ("login_hint", login), ("channel_hint", "voice"), ("challenge_hint", GrantTypes.Oob));
        Assert.Equal(200, status);
        Assert.Equal("prompt", body.GetProperty("binding_method").GetString());
        Assert.Equal("voice", body.GetProperty("channel").GetString());
        Assert.Equal(5, body.GetProperty("interval").GetInt32());
        Assert.False(body.TryGetProperty("binding_code", out _));
        var received = PhoneNetworkChannel.Received.Where(p => !before.Contains(p.Key)).Select(p => p.Value).SingleOrDefault() ?? "";
        return (http, client.ClientId, body.GetProperty("oob_code").GetString()!, received);
    }

    private static Task<(int Status, System.Text.Json.JsonElement Body)> TokenAsync(HttpClient http, string clientId, string oobCode, string? bindingCode)
    {
        var form = new List<(string, string)> { ("grant_type", GrantTypes.Oob), ("client_id", clientId), ("oob_code", oobCode), ("scope", "openid") };
        if (bindingCode is not null) form.Add(("binding_code", bindingCode));
        return PostAsync(http, "/oauth2/default/v1/token", [.. form]);
    }

    [Fact]
    public async Task Prompt_RightBindingCode_TokensWithChannelAmrThenCodeIsUsed()
    {
        var (http, clientId, oobCode, received) = await StartAsync("prompt-right@example.com");

        var (status, tokens) = await TokenAsync(http, clientId, oobCode, received);

        Assert.Equal(200, status);
        Assert.Equal(["tel"], new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.GetProperty("id_token").GetString()).GetPayloadValue<string[]>("amr"));
        var (again, body) = await TokenAsync(http, clientId, oobCode, received);
        Assert.Equal(403, again);
        Assert.Equal("access_denied", body.Error());
    }

    [Fact]
    public async Task Prompt_WrongOrMissingBindingCode_InvalidGrant()
    {
        var (http, clientId, oobCode, received) = await StartAsync("prompt-wrong@example.com");
        var wrong = received == "000000" ? "000001" : "000000";

        foreach (var code in new[] { wrong, null })
        {
            var (status, body) = await TokenAsync(http, clientId, oobCode, code);
            Assert.Equal(400, status);
            Assert.Equal("invalid_grant", body.Error());
            Assert.Equal("The 'otp' provided is either empty or incorrect. Use the correct OTP and try again.", body.Description());
        }
        Assert.Equal(200, (await TokenAsync(http, clientId, oobCode, received)).Status);
    }

    [Fact]
    public async Task Prompt_FiveWrongCodes_TransactionDeniedEvenForTheRightCode()
    {
        var (http, clientId, oobCode, received) = await StartAsync("prompt-guess@example.com");
        var wrong = received == "000000" ? "000001" : "000000";

        for (var i = 0; i < 5; i++)
            Assert.Equal("invalid_grant", (await TokenAsync(http, clientId, oobCode, wrong)).Body.Error());
        var (status, body) = await TokenAsync(http, clientId, oobCode, received);

        Assert.Equal(400, status);
        Assert.Equal("access_denied", body.Error());
    }

    [Fact]
    public async Task Prompt_UnknownUser_DecoyRefusesEveryCodeLikeARealOne()
    {
        var (http, clientId, oobCode, received) = await StartAsync("prompt-nobody@example.com", enrolled: false);

        Assert.Equal("", received);
        var (status, body) = await TokenAsync(http, clientId, oobCode, "123456");
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
    }
}
