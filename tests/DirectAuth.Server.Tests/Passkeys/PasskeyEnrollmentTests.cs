using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>Passkey enrollment over the Okta-shaped Factors API (factorType webauthn, provider FIDO).</summary>
public sealed class PasskeyEnrollmentTests(PasskeyServer server) : IClassFixture<PasskeyServer>
{
    private async Task<string> NewUserAsync() => await server.CreateUserAsync($"enroll-{Guid.NewGuid():N}@example.com");

    [Fact]
    public async Task Enroll_Webauthn_PendingActivationWithCreationOptions()
    {
        var userId = await NewUserAsync();

        var (status, body) = await server.StartPasskeyEnrollmentAsync(userId, "Laptop");

        Assert.True(status == 200, $"{status} {body}");
        Assert.Equal("webauthn", body.GetProperty("factorType").GetString());
        Assert.Equal("FIDO", body.GetProperty("provider").GetString());
        Assert.Equal("PENDING_ACTIVATION", body.GetProperty("status").GetString());
        Assert.Equal("Laptop", body.GetProperty("profile").GetProperty("authenticatorName").GetString());
        var activation = body.GetProperty("_embedded").GetProperty("activation");
        Assert.Equal(32, SoftwarePasskey.FromB64(activation.GetProperty("challenge").GetString()!).Length);
        Assert.Equal("localhost", activation.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal("DirectAuth", activation.GetProperty("rp").GetProperty("name").GetString());
        Assert.Equal(32, SoftwarePasskey.FromB64(activation.GetProperty("user").GetProperty("id").GetString()!).Length);
        Assert.StartsWith("enroll-", activation.GetProperty("user").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal("Test User", activation.GetProperty("user").GetProperty("displayName").GetString());
        Assert.Equal([-7, -8, -257], activation.GetProperty("pubKeyCredParams").EnumerateArray().Select(p => p.GetProperty("alg").GetInt32()));
        Assert.All(activation.GetProperty("pubKeyCredParams").EnumerateArray(), p => Assert.Equal("public-key", p.GetProperty("type").GetString()));
        Assert.Equal(0, activation.GetProperty("excludeCredentials").GetArrayLength());
        var selection = activation.GetProperty("authenticatorSelection");
        Assert.Equal("required", selection.GetProperty("userVerification").GetString());
        Assert.Equal("required", selection.GetProperty("residentKey").GetString());
        Assert.True(selection.GetProperty("requireResidentKey").GetBoolean());
        Assert.Equal("none", activation.GetProperty("attestation").GetString());
        Assert.Equal(300_000, activation.GetProperty("timeout").GetInt32());
    }

    [Theory]
    [InlineData("none")]
    [InlineData("packed")]
    public async Task Activate_AttestationFormat_ActiveWithCredentialIdNameAndAaguid(string format)
    {
        var userId = await NewUserAsync();
        using var key = new SoftwarePasskey();

        var factor = await server.EnrollPasskeyAsync(userId, key, format, name: "Phone");

        var profile = factor.GetProperty("profile");
        Assert.Equal(SoftwarePasskey.B64(key.CredentialId), profile.GetProperty("credentialId").GetString());
        Assert.Equal("Phone", profile.GetProperty("authenticatorName").GetString());
        Assert.Equal("08fc0c68-688e-455e-b7f0-4006f0e2b28c", profile.GetProperty("aaguid").GetString());
        Assert.False(factor.GetProperty("_links").TryGetProperty("activate", out _));
    }

    [Fact]
    public async Task Enroll_SeveralPasskeys_ListedExcludedAndDeletedOneByOne()
    {
        var userId = await NewUserAsync();
        using var laptop = new SoftwarePasskey();
        using var phone = new SoftwarePasskey { Aaguid = Guid.Parse("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4") };
        var first = await server.EnrollPasskeyAsync(userId, laptop, name: "Laptop");
        var second = await server.EnrollPasskeyAsync(userId, phone, "packed", name: "Phone");

        var (_, third) = await server.StartPasskeyEnrollmentAsync(userId);
        var excluded = third.GetProperty("_embedded").GetProperty("activation").GetProperty("excludeCredentials").EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal([SoftwarePasskey.B64(laptop.CredentialId), SoftwarePasskey.B64(phone.CredentialId)], excluded);
        Assert.Equal("Passkey", third.GetProperty("profile").GetProperty("authenticatorName").GetString());

        using var admin = server.Admin();
        var (_, list) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/users/{userId}/factors"));
        var active = list.EnumerateArray().Where(f => f.GetProperty("status").GetString() == "ACTIVE").ToList();
        Assert.Equal(["Laptop", "Phone"], active.Select(f => f.GetProperty("profile").GetProperty("authenticatorName").GetString()));
        Assert.Equal(["08fc0c68-688e-455e-b7f0-4006f0e2b28c", "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"],
            active.Select(f => f.GetProperty("profile").GetProperty("aaguid").GetString()));

        var deleted = await admin.DeleteAsync($"/api/v1/users/{userId}/factors/{first.GetProperty("id").GetString()}");
        Assert.Equal(204, (int)deleted.StatusCode);
        var (_, after) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/users/{userId}/factors"));
        Assert.Equal([second.GetProperty("id").GetString()],
            after.EnumerateArray().Where(f => f.GetProperty("status").GetString() == "ACTIVE").Select(f => f.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Activate_SameCredentialForAnotherUser_Refused()
    {
        using var key = new SoftwarePasskey();
        await server.EnrollPasskeyAsync(await NewUserAsync(), key);
        var other = await NewUserAsync();
        var (_, body) = await server.StartPasskeyEnrollmentAsync(other);
        var (attestation, clientData) = key.Register(body.GetProperty("_embedded").GetProperty("activation"), PasskeyServer.Origin);

        var (status, error) = await server.ActivatePasskeyAsync(other, body.GetProperty("id").GetString()!, attestation, clientData);

        Assert.True(status == 400, $"{status} {error}");
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
    }

    [Theory]
    [InlineData("wrong-origin")]
    [InlineData("wrong-rp")]
    [InlineData("no-uv")]
    [InlineData("replay")]
    [InlineData("expired")]
    [InlineData("malformed-cbor")]
    [InlineData("malformed-base64")]
    [InlineData("malformed-json")]
    public async Task Activate_BadAnswer_400AndStaysPending(string misuse)
    {
        var userId = await NewUserAsync();
        using var key = new SoftwarePasskey();
        var (_, body) = await server.StartPasskeyEnrollmentAsync(userId);
        var factorId = body.GetProperty("id").GetString()!;
        var activation = body.GetProperty("_embedded").GetProperty("activation");
        var (attestation, clientData) = misuse switch
        {
            "wrong-origin" => key.Register(activation, "https://evil.example"),
            "wrong-rp" => key.Register(activation, PasskeyServer.Origin, rpId: "evil.example"),
            "no-uv" => key.Register(activation, PasskeyServer.Origin, flags: SoftwarePasskey.Up | SoftwarePasskey.At),
            _ => key.Register(activation, PasskeyServer.Origin),
        };
        if (misuse == "replay")
        {
            var (other, otherBody) = await server.StartPasskeyEnrollmentAsync(userId);
            Assert.Equal(200, other);
            // The answer to this enrollment's challenge, presented for another pending factor.
            factorId = otherBody.GetProperty("id").GetString()!;
        }
        if (misuse == "expired") server.Clock.Advance(TimeSpan.FromSeconds(301));
        if (misuse == "malformed-cbor") attestation = SoftwarePasskey.B64([0xa3, 0x63, 0x66, 0x6d]);
        if (misuse == "malformed-base64") attestation = "***not base64url***";
        if (misuse == "malformed-json") clientData = SoftwarePasskey.B64("{\"challenge\":"u8);

        var (status, error) = await server.ActivatePasskeyAsync(userId, factorId, attestation, clientData);

        Assert.True(status == 400, $"{misuse}: {status} {error}");
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
        using var admin = server.Admin();
        var (_, factor) = await ServerFixture.ReadAsync(await admin.GetAsync($"/api/v1/users/{userId}/factors/{factorId}"));
        Assert.Equal("PENDING_ACTIVATION", factor.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Enroll_WrongProviderOrName_400()
    {
        var userId = await NewUserAsync();
        using var admin = server.Admin();
        foreach (var body in new object[] { new { factorType = "webauthn", provider = "OKTA" }, new { factorType = "webauthn", profile = new { authenticatorName = "" } } })
        {
            var (status, error) = await ServerFixture.ReadAsync(await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(admin, $"/api/v1/users/{userId}/factors", body));
            Assert.True(status == 400, $"{status} {error}");
            Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
        }
    }

    [Fact]
    public async Task AssetLinks_Configured_ServedAsJson()
    {
        var response = await server.Http.GetAsync("/.well-known/assetlinks.json");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("com.example.app", doc[0].GetProperty("target").GetProperty("package_name").GetString());
        Assert.Equal(404, (int)(await server.Http.GetAsync("/.well-known/apple-app-site-association")).StatusCode);
    }
}
