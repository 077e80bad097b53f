using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.Tests.Phone;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;
using Reply = DirectAuth.Server.Tests.Delivery.FakeGateway.Reply;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>The webhook provider: a signed JSON POST per message, retried on 5xx and timeouts, never on 4xx.</summary>
public sealed class WebhookDeliveryTests : IClassFixture<WebhookServer>
{
    private readonly WebhookServer _server;

    public WebhookDeliveryTests(WebhookServer server)
    {
        _server = server;
        server.Gateway.Reset();
        server.Gateway.Default = _ => new Reply(204);
    }

    [Fact]
    public async Task EnrollSms_Webhook_SignedPayloadTheReceiverVerifies()
    {
        var userId = await _server.CreateUserAsync("webhook-sms@example.com");
        var phone = NewPhone();

        var factorId = await EnrollOkAsync(_server, userId, "sms", phone);

        var request = Assert.Single(_server.Gateway.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(WebhookServer.Path, request.Path);
        Assert.Equal("application/json", request.Header("Content-Type"));
        var timestamp = VerifySignature(request);
        Assert.Equal(_server.Clock.GetUtcNow().ToUnixTimeSeconds(), timestamp);
        var payload = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(request.Header("X-DirectAuth-Message-Id"), payload.GetProperty("id").GetString());
        Assert.Equal("sms", payload.GetProperty("type").GetString());
        Assert.Equal(phone, payload.GetProperty("to").GetString());
        Assert.Equal("enrollment", payload.GetProperty("purpose").GetString());
        Assert.Equal(userId, payload.GetProperty("userId").GetString());
        Assert.Equal(_server.Clock.GetUtcNow().AddSeconds(300).ToUnixTimeSeconds(), payload.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
        var code = payload.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9]{6}$", code);
        Assert.Equal($"DirectAuth: your verification code is {code}. It expires in 5 minutes. Do not share it with anyone.",
            payload.GetProperty("message").GetString());
        var (status, factor) = await ActivateAsync(_server, userId, factorId, code);
        Assert.Equal(200, status);
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
    }

    [Fact]
    public async Task EnrollCall_Webhook_VoiceTypeWithSpokenDigits()
    {
        var userId = await _server.CreateUserAsync("webhook-call@example.com");

        await EnrollOkAsync(_server, userId, "call", NewPhone());

        var payload = JsonDocument.Parse(Assert.Single(_server.Gateway.Requests).Body).RootElement;
        Assert.Equal("voice", payload.GetProperty("type").GetString());
        var code = payload.GetProperty("code").GetString()!;
        Assert.Contains("Your verification code is: " + string.Join(", ", code.ToCharArray()), payload.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnrollSms_Webhook5xxTwice_DeliveredOnTheThirdAttemptWithTheSameMessage()
    {
        _server.Gateway.Enqueue(new Reply(503, "busy"), new Reply(500, "oops"));
        var userId = await _server.CreateUserAsync("webhook-retry@example.com");

        var factorId = await EnrollOkAsync(_server, userId, "sms", NewPhone());

        var requests = _server.Gateway.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => VerifySignature(r));
        Assert.Single(requests.Select(r => r.Header("X-DirectAuth-Message-Id")).Distinct());
        Assert.Single(requests.Select(r => r.Text).Distinct());
        var code = JsonDocument.Parse(requests[2].Body).RootElement.GetProperty("code").GetString()!;
        Assert.Equal(200, (await ActivateAsync(_server, userId, factorId, code)).Status);
        var sent = await AuditAsync(_server, "system.sms.send_phone_verification_message");
        Assert.Contains(sent, e => e.TargetId == factorId && e.Outcome == "SUCCESS" && e.Details!.Contains("\"attempts\":\"3\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnrollSms_WebhookTimesOut_RetriedAndDelivered()
    {
        _server.Gateway.Enqueue(new Reply(204, Delay: TimeSpan.FromSeconds(30)));
        var userId = await _server.CreateUserAsync("webhook-timeout@example.com");

        var (status, _) = await PhoneSteps.EnrollAsync(_server, userId, "sms", NewPhone());

        Assert.Equal(200, status);
        Assert.Equal(2, _server.Gateway.Requests.Count);
    }

    [Fact]
    public async Task EnrollSms_Webhook4xx_NotRetried503AndAudited()
    {
        _server.Gateway.Enqueue(new Reply(400, """{"error":"unknown number"}"""));
        var userId = await _server.CreateUserAsync("webhook-400@example.com");

        var (status, body) = await PhoneSteps.EnrollAsync(_server, userId, "sms", NewPhone());

        AssertOktaError(status, body, 503, "E0000139");
        Assert.Equal("Telephony provider error", body.GetProperty("errorSummary").GetString());
        Assert.Single(_server.Gateway.Requests);
        Assert.Empty(await FactorListAsync(userId));
        var failed = Assert.Single(await AuditAsync(_server, "system.sms.send_phone_verification_message"), e => e.ActorId == userId);
        Assert.Equal("FAILURE", failed.Outcome);
        Assert.Equal("""webhook answered HTTP 400: {"error":"unknown number"}""", failed.Reason);
    }

    [Fact]
    public async Task EnrollCall_WebhookAlwaysFailing_503AfterThreeAttempts()
    {
        _server.Gateway.Enqueue(new Reply(500), new Reply(502), new Reply(503));
        var userId = await _server.CreateUserAsync("webhook-down@example.com");

        var (status, body) = await PhoneSteps.EnrollAsync(_server, userId, "call", NewPhone());

        AssertOktaError(status, body, 503, "E0000139");
        Assert.Equal("The call could not be made. Try again later.", Cause(body));
        Assert.Equal(3, _server.Gateway.Requests.Count);
        Assert.Empty(await FactorListAsync(userId));
        var failed = Assert.Single(await AuditAsync(_server, "system.voice.send_phone_verification_call"), e => e.ActorId == userId);
        Assert.Equal("webhook answered HTTP 503 (after 3 attempts)", failed.Reason);
    }

    [Fact]
    public async Task Outbox_WebhookProvider_404()
    {
        using var admin = _server.Admin();

        var (status, body) = await Infrastructure.ServerFixture.ReadAsync(await admin.GetAsync("/api/v1/outbox"));

        AssertOktaError(status, body, 404, "E0000007");
    }

    [Fact]
    public async Task SmsPrimary_WebhookAsTheGateway_SeedFlowEndToEnd()
    {
        var client = await PhoneSignIn.ClientAsync(_server);
        var login = "webhook-signin@example.com";
        var userId = await _server.CreateUserAsync(login);
        var phone = NewPhone();
        var factorId = await EnrollOkAsync(_server, userId, "sms", phone);
        Assert.Equal(200, (await ActivateAsync(_server, userId, factorId, CodeOf(_server.Gateway.Requests[^1]))).Status);
        _server.Clock.Advance(TimeSpan.FromSeconds(31));

        var (status, started, _) = await PhoneSignIn.StartAsync(_server, client.ClientId, login, "sms");

        Assert.Equal(200, status);
        Assert.Equal("prompt", started.GetProperty("binding_method").GetString());
        var request = _server.Gateway.Requests[^1];
        VerifySignature(request);
        var payload = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(("sms", phone, "sign_in", userId),
            (payload.GetProperty("type").GetString(), payload.GetProperty("to").GetString(), payload.GetProperty("purpose").GetString(), payload.GetProperty("userId").GetString()));
        var (tokenStatus, tokens) = await PhoneSignIn.TokenAsync(_server, client.ClientId, started.GetProperty("oob_code").GetString()!, CodeOf(request));
        Assert.Equal(200, tokenStatus);
        Assert.Equal(["sms"], new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.GetProperty("id_token").GetString()).GetPayloadValue<string[]>("amr"));
    }

    [Fact]
    public async Task VoicePrimary_WebhookRefuses_503ServerErrorAndNoUsableTransaction()
    {
        var client = await PhoneSignIn.ClientAsync(_server);
        var login = "webhook-signin-down@example.com";
        var userId = await _server.CreateUserAsync(login);
        var factorId = await EnrollOkAsync(_server, userId, "call", NewPhone());
        Assert.Equal(200, (await ActivateAsync(_server, userId, factorId, CodeOf(_server.Gateway.Requests[^1]))).Status);
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        _server.Gateway.Enqueue(new Reply(410, "gone"));

        var (status, body, response) = await PhoneSignIn.StartAsync(_server, client.ClientId, login, "voice");

        Assert.Equal(503, status);
        Assert.Equal("server_error", body.GetProperty("error").GetString());
        Assert.Equal("The call with the code could not be made. Try again later.", body.GetProperty("error_description").GetString());
        Assert.False(body.TryGetProperty("oob_code", out _));
        Assert.Equal("30", response.Headers.GetValues("Retry-After").Single());
        var failed = Assert.Single(await AuditAsync(_server, "system.voice.send_factor_verify_call"), e => e.ActorId == userId);
        Assert.Equal(("FAILURE", "webhook answered HTTP 410: gone"), (failed.Outcome, failed.Reason));
    }

    private static string CodeOf(FakeGateway.Received request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("code").GetString()!;

    /// <summary>Checks the signature as a receiver would, independently of the server's code; returns its timestamp.</summary>
    internal static long VerifySignature(FakeGateway.Received request)
    {
        var header = request.Header("X-DirectAuth-Signature");
        Assert.NotNull(header);
        var parts = header!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes(parts["t"] + ".").Concat(request.Body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookServer.Secret), signed);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"])), "signature does not verify");
        return timestamp;
    }

    private async Task<JsonElement[]> FactorListAsync(string userId)
    {
        using var admin = _server.Admin();
        var (_, body) = await Infrastructure.ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/users/{userId}/factors"));
        return body.EnumerateArray().ToArray();
    }
}
