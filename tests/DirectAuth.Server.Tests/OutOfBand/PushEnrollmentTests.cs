using DirectAuth.Authenticator;
using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Enrolling the authenticator app: the Okta-shaped factor, the activation code, link and QR, and the device activating with its key.</summary>
public sealed class PushEnrollmentTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static JsonElement Activation(JsonElement factor) => factor.GetProperty("_embedded").GetProperty("activation");

    [Fact]
    public async Task EnrollPush_PendingActivationWithCodeLinkQrAndExpiry()
    {
        var userId = await server.CreateUserAsync("enroll-shape@example.com");

        var (status, factor) = await OobKit.EnrollPushAsync(server, userId);

        Assert.Equal(200, status);
        Assert.Equal("push", factor.GetProperty("factorType").GetString());
        Assert.Equal("OKTA", factor.GetProperty("provider").GetString());
        Assert.Equal("PENDING_ACTIVATION", factor.GetProperty("status").GetString());
        Assert.StartsWith("opf", factor.GetProperty("id").GetString(), StringComparison.Ordinal);
        var activation = Activation(factor);
        Assert.Equal("WAITING", activation.GetProperty("factorResult").GetString());
        Assert.Equal(server.Clock.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds(), activation.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
        var code = activation.GetProperty("activationCode").GetString()!;
        Assert.True(code.Length >= 43);
        Assert.Equal($"directauth://push/activate?server={Uri.EscapeDataString("http://localhost")}&code={code}", activation.GetProperty("activationLink").GetString());
        var qr = activation.GetProperty("_links").GetProperty("qrcode");
        Assert.Equal("image/png", qr.GetProperty("type").GetString());
        var png = Convert.FromBase64String(qr.GetProperty("href").GetString()!["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        using var admin = server.Admin();
        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/factors/{factor.GetProperty("id").GetString()}");
        Assert.False(Activation(read).TryGetProperty("activationCode", out _));
    }

    [Fact]
    public async Task ActivatePush_DeviceKey_FactorActiveAndCodeSingleUse()
    {
        var userId = await server.CreateUserAsync("enroll-activate@example.com");
        var (_, factor) = await OobKit.EnrollPushAsync(server, userId);
        var code = Activation(factor).GetProperty("activationCode").GetString()!;

        var account = await OobKit.Device(server).ActivateAsync("http://localhost", code, "Ada's phone", CancellationToken.None);

        Assert.Equal(factor.GetProperty("id").GetString(), account.FactorId);
        Assert.Equal("enroll-activate@example.com", account.Login);
        using var admin = server.Admin();
        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/factors/{account.FactorId}");
        Assert.Equal("ACTIVE", read.GetProperty("status").GetString());
        Assert.Equal("Ada's phone", read.GetProperty("profile").GetProperty("name").GetString());
        Assert.False(read.TryGetProperty("_embedded", out _));
        var reused = await Assert.ThrowsAsync<DeviceApiException>(() => OobKit.Device(server).ActivateAsync("http://localhost", code, null, CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, reused.Status);
    }

    [Fact]
    public async Task ActivatePush_ExpiredCode_RefusedThenReissuedCodeWorks()
    {
        var userId = await server.CreateUserAsync("enroll-expired@example.com");
        var (_, factor) = await OobKit.EnrollPushAsync(server, userId);
        var oldCode = Activation(factor).GetProperty("activationCode").GetString()!;
        server.Clock.Advance(TimeSpan.FromSeconds(601));

        var expired = await Assert.ThrowsAsync<DeviceApiException>(() => OobKit.Device(server).ActivateAsync("http://localhost", oldCode, null, CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, expired.Status);
        using var admin = server.Admin();
        var timedOut = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/factors/{factor.GetProperty("id").GetString()}");
        Assert.Equal("TIMEOUT", Activation(timedOut).GetProperty("factorResult").GetString());

        var reissue = await admin.PostAsync($"/api/v1/users/{userId}/factors/{factor.GetProperty("id").GetString()}/lifecycle/activate", JsonContent.Create(new { }));
        var (status, reissued) = await ServerFixture.ReadAsync(reissue);
        Assert.Equal(200, status);
        var newCode = Activation(reissued).GetProperty("activationCode").GetString()!;
        Assert.NotEqual(oldCode, newCode);
        await OobKit.Device(server).ActivateAsync("http://localhost", newCode, null, CancellationToken.None);
    }

    [Fact]
    public async Task EnrollPush_AlreadyActive_ValidationError()
    {
        var user = await OobKit.CreatePushUserAsync(server, "enroll-twice@example.com");

        var (status, body) = await OobKit.EnrollPushAsync(server, user.UserId);

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task EnrollPush_OtherProvider_ValidationError()
    {
        var userId = await server.CreateUserAsync("enroll-provider@example.com");
        using var admin = server.Admin();

        var (status, body) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "push", provider = "GOOGLE" }));

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ActivatePush_SignedByAnotherKeyThanTheOneInTheHeader_401AndStillPending()
    {
        var userId = await server.CreateUserAsync("enroll-forged@example.com");
        var (_, factor) = await OobKit.EnrollPushAsync(server, userId);
        var code = Activation(factor).GetProperty("activationCode").GetString()!;
        using var claimed = DeviceKey.Create();
        using var actual = DeviceKey.Create();
        var genuine = actual.Sign(new PushActivationClaims { ActivationCode = code, IssuedAt = server.Clock.GetUtcNow().ToUnixTimeSeconds() },
            PushJsonContext.Default.PushActivationClaims, PushDeviceApi.ActivationJwsType, keyId: null);
        var claimedHeader = claimed.Sign(new PushActivationClaims { ActivationCode = code, IssuedAt = 0 },
            PushJsonContext.Default.PushActivationClaims, PushDeviceApi.ActivationJwsType, keyId: null).Split('.')[0];
        var forged = claimedHeader + genuine[genuine.IndexOf('.', StringComparison.Ordinal)..];

        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.ActivatePath, forged);

        Assert.Equal(401, status);
        using var admin = server.Admin();
        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}/factors/{factor.GetProperty("id").GetString()}");
        Assert.Equal("PENDING_ACTIVATION", read.GetProperty("status").GetString());
        await OobKit.Device(server).ActivateAsync("http://localhost", code, null, CancellationToken.None);
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"P-384","x":"AAAA","y":"AAAA"}""")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB"}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""")]
    public async Task ActivatePush_KeyThatIsNotAP256PublicKey_400(string jwk)
    {
        var header = DeviceKey.Base64Url(System.Text.Encoding.UTF8.GetBytes($$"""{"alg":"ES256","typ":"{{PushDeviceApi.ActivationJwsType}}","jwk":{{jwk}}}"""));
        var payload = DeviceKey.Base64Url("""{"activationCode":"x","iat":0}"""u8);

        var (status, body) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.ActivatePath, $"{header}.{payload}.AAAA");

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task ActivatePush_KeyWithItsPrivatePart_400()
    {
        using var key = DeviceKey.Create();
        var jwk = key.PublicJwk();
        jwk["d"] = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        var header = DeviceKey.Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = PushDeviceApi.ActivationJwsType, ["jwk"] = jwk }));

        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.ActivatePath, $"{header}.e30.AAAA");

        Assert.Equal(400, status);
    }

    [Theory]
    [InlineData("not a jws")]
    [InlineData("a.b")]
    [InlineData("")]
    public async Task ActivatePush_MalformedBody_400(string body)
    {
        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.ActivatePath, body);

        Assert.Equal(400, status);
    }
}
