using System.Text.Json;
using DirectAuth.Server.Tests.Delivery;
using DirectAuth.Server.Tests.Mfa;
using static DirectAuth.Server.Tests.Phone.PhoneMfaSteps;
using Reply = DirectAuth.Server.Tests.Delivery.FakeGateway.Reply;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>SMS and voice as the second factor with the webhook provider as the gateway: the code travels in a signed POST.</summary>
public sealed class PhoneMfaWebhookTests : IClassFixture<WebhookServer>
{
    private readonly WebhookServer _server;

    public PhoneMfaWebhookTests(WebhookServer server)
    {
        _server = server;
        server.Gateway.Reset();
        server.Gateway.Default = _ => new Reply(204);
    }

    [Theory]
    [InlineData("sms", "sms")]
    [InlineData("voice", "tel")]
    public async Task PhoneMfa_WebhookAsTheGateway_SignedPayloadCarriesTheCodeAndTokensFollow(string channel, string amr)
    {
        var client = await ClientAsync(_server);
        var login = $"webhook-mfa-{channel}@example.com";
        var userId = await _server.CreateUserAsync(login);
        var phone = PhoneSteps.NewPhone();
        var factorId = await PhoneSteps.EnrollOkAsync(_server, userId, FactorType(channel), phone);
        Assert.Equal(200, (await PhoneSteps.ActivateAsync(_server, userId, factorId, CodeOf(_server.Gateway.Requests[^1]))).Status);
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        var mfaToken = await _server.MfaTokenAsync(client.ClientId, login);
        var before = _server.Gateway.Requests.Count;

        var (status, challenge, _) = await ChallengeAsync(_server, client.ClientId, mfaToken, channel);

        Assert.Equal(200, status);
        Assert.Equal(("prompt", channel), (challenge.GetProperty("binding_method").GetString(), challenge.GetProperty("channel").GetString()));
        var request = Assert.Single(_server.Gateway.Requests.Skip(before));
        Assert.Equal(_server.Clock.GetUtcNow().ToUnixTimeSeconds(), WebhookDeliveryTests.VerifySignature(request));
        var payload = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal((channel, phone, "sign_in", userId),
            (payload.GetProperty("type").GetString(), payload.GetProperty("to").GetString(), payload.GetProperty("purpose").GetString(), payload.GetProperty("userId").GetString()));
        var (tokenStatus, tokens) = await TokenAsync(_server, client.ClientId, mfaToken, challenge.GetProperty("oob_code").GetString()!, CodeOf(request));
        Assert.Equal(200, tokenStatus);
        var id = await TokenClaims.ValidateAsync(_server, tokens.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(userId, id.Subject);
        Assert.Equal(["pwd", amr, "mfa"], id.GetPayloadValue<string[]>("amr"));
    }

    [Fact]
    public async Task SmsMfa_WebhookRefuses_503AndTheMfaTokenStillUsableLater()
    {
        var client = await ClientAsync(_server);
        var login = "webhook-mfa-down@example.com";
        var userId = await _server.CreateUserAsync(login);
        var factorId = await PhoneSteps.EnrollOkAsync(_server, userId, "sms", PhoneSteps.NewPhone());
        Assert.Equal(200, (await PhoneSteps.ActivateAsync(_server, userId, factorId, CodeOf(_server.Gateway.Requests[^1]))).Status);
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        var mfaToken = await _server.MfaTokenAsync(client.ClientId, login);
        _server.Gateway.Enqueue(new Reply(410, "gone"));

        var (status, body, response) = await ChallengeAsync(_server, client.ClientId, mfaToken, "sms");

        MfaSteps.AssertError(status, body, 503, "server_error", "The text message with the code could not be sent. Try again later.");
        Assert.False(body.TryGetProperty("oob_code", out _));
        Assert.Equal("30", response.Headers.GetValues("Retry-After").Single());
        _server.Clock.Advance(TimeSpan.FromSeconds(30));
        var (again, challenge, _) = await ChallengeAsync(_server, client.ClientId, mfaToken, "sms");
        Assert.Equal(200, again);
        var (tokenStatus, _) = await TokenAsync(_server, client.ClientId, mfaToken, challenge.GetProperty("oob_code").GetString()!, CodeOf(_server.Gateway.Requests[^1]));
        Assert.Equal(200, tokenStatus);
    }

    private static string CodeOf(FakeGateway.Received request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("code").GetString()!;
}
