using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>A server configured for passkeys at http://localhost (the test host), plus an Android app origin.</summary>
public sealed class PasskeyServer : ServerFixture
{
    public const string Origin = "http://localhost";
    public const string AndroidOrigin = "android:apk-key-hash:Yy7w2dCC2X8nKeXcLgOqCkxLmz4VsmtWa9m4b6G7LwQ";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passkeys:RpId"] = "localhost",
        ["Passkeys:Origins:0"] = Origin,
        ["Passkeys:Origins:1"] = AndroidOrigin,
        ["Passkeys:AssetLinks"] = """[{"relation":["delegate_permission/common.get_login_creds"],"target":{"namespace":"android_app","package_name":"com.example.app","sha256_cert_fingerprints":["AA:BB"]}}]""",
    };
}

/// <summary>The steps of passkey tests, through the public HTTP surface only.</summary>
public static class PasskeySteps
{
    public const string Webauthn = "urn:okta:params:oauth:grant-type:webauthn";
    public const string MfaWebauthn = "urn:okta:params:oauth:grant-type:mfa-webauthn";
    public static readonly string[] Grants = ["password", "refresh_token", Webauthn, MfaWebauthn];

    /// <summary>POST /factors for a webauthn factor; returns status and body.</summary>
    public static async Task<(int Status, JsonElement Body)> StartPasskeyEnrollmentAsync(this ServerFixture server, string userId, string? name = null)
    {
        using var admin = server.Admin();
        object body = name is null ? new { factorType = "webauthn", provider = "FIDO" } : new { factorType = "webauthn", provider = "FIDO", profile = new { authenticatorName = name } };
        return await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", body));
    }

    public static async Task<(int Status, JsonElement Body)> ActivatePasskeyAsync(this ServerFixture server, string userId, string factorId, string attestation, string clientData)
    {
        using var admin = server.Admin();
        return await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate",
            new { attestation, clientData }));
    }

    /// <summary>Enrolls <paramref name="key"/> for the user and asserts it is ACTIVE; returns the factor.</summary>
    public static async Task<JsonElement> EnrollPasskeyAsync(this ServerFixture server, string userId, SoftwarePasskey key, string format = "none", string? name = null)
    {
        var (status, body) = await server.StartPasskeyEnrollmentAsync(userId, name);
        Assert.True(status == 200, $"enrolling passkey: {status} {body}");
        var (attestation, clientData) = key.Register(body.GetProperty("_embedded").GetProperty("activation"), PasskeyServer.Origin, format);
        var (activated, factor) = await server.ActivatePasskeyAsync(userId, body.GetProperty("id").GetString()!, attestation, clientData);
        Assert.True(activated == 200, $"activating passkey: {activated} {factor}");
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
        return factor;
    }

    /// <summary>A user with one enrolled passkey and an app that may use the passkey grants.</summary>
    public static async Task<(RegisteredClient Client, string UserId, string Login, SoftwarePasskey Key)> UserWithPasskeyAsync(this ServerFixture server, string format = "none")
    {
        var client = await server.RegisterClientAsync(Grants);
        var login = $"pk-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        var key = new SoftwarePasskey();
        await server.EnrollPasskeyAsync(userId, key, format);
        return (client, userId, login, key);
    }

    public static async Task<(int Status, JsonElement Body)> PrimaryChallengeAsync(this ServerFixture server, string clientId, string? loginHint, params (string, string)[] extra)
    {
        var form = new List<(string, string)> { ("client_id", clientId), ("challenge_hint", Webauthn) };
        if (loginHint is not null) form.Add(("login_hint", loginHint));
        form.AddRange(extra);
        return await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/primary-authenticate", [.. form]));
    }

    /// <summary>A challenge that must succeed; returns its publicKey options.</summary>
    public static async Task<JsonElement> ChallengeOkAsync(this ServerFixture server, string clientId, string? loginHint)
    {
        var (status, body) = await server.PrimaryChallengeAsync(clientId, loginHint);
        Assert.True(status == 200, $"challenge: {status} {body}");
        return body.GetProperty("publicKey");
    }

    public static async Task<(int Status, JsonElement Body)> RedeemAsync(this ServerFixture server, string clientId, Assertion assertion,
        string grant = Webauthn, string? mfaToken = null, string scope = "openid profile offline_access")
    {
        var form = new List<(string, string)> { ("grant_type", grant), ("client_id", clientId), ("scope", scope) };
        if (mfaToken is not null) form.Add(("mfa_token", mfaToken));
        form.AddRange(assertion.Fields());
        return await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token", [.. form]));
    }

    public static IReadOnlyList<string> Amr(Microsoft.IdentityModel.JsonWebTokens.JsonWebToken token) =>
        token.Claims.Where(c => c.Type == "amr").Select(c => c.Value).ToList();
}
