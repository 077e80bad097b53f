using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// A server whose passkey relying party is the harness page: RP id <c>localhost</c>, the one allowed origin
/// <see cref="HarnessSite.Origin"/> (so <see cref="HarnessSite.OtherOrigin"/> is a wrong one).
/// </summary>
public sealed class ChromiumPasskeyServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passkeys:RpId"] = "localhost",
        ["Passkeys:Origins:0"] = HarnessSite.Current.Origin,
    };
}

/// <summary>A passkey Chromium made and the server activated (its attestation object as Chromium made it).</summary>
public sealed record ChromiumPasskey(string UserId, string Login, string FactorId, string CredentialId, string UserHandle, Guid Aaguid, AttestationObject Attestation);

/// <summary>
/// The steps of the Chromium passkey tests, as a native app and an administrator take them: the Factors API
/// to enroll, <c>/primary-authenticate</c> or <c>/challenge</c> for the options, the browser's virtual
/// authenticator in between, and the assertion posted to <c>/token</c> as flat form fields.
/// </summary>
public static class ChromiumPasskeySteps
{
    public static readonly string[] PasskeyGrants = ["password", "refresh_token", GrantTypes.Webauthn, GrantTypes.MfaWebauthn];

    /// <summary>A new user (with the default password) whose passkey Chromium creates through the Factors API.</summary>
    public static async Task<ChromiumPasskey> EnrollChromiumPasskeyAsync(this ServerFixture server, WebAuthnHarness harness)
    {
        var login = $"chromium-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var admin = server.Admin();
        var (status, pending) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors",
            new { factorType = "webauthn", provider = "FIDO", profile = new { authenticatorName = "Chromium" } }));
        Assert.True(status == 200, $"enrolling: {status} {pending}");
        Assert.Equal("PENDING_ACTIVATION", pending.GetProperty("status").GetString());
        var activation = pending.GetProperty("_embedded").GetProperty("activation");

        var created = await harness.CreateAsync(activation);

        var factorId = pending.GetProperty("id").GetString()!;
        var (activated, factor) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync(
            $"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate",
            new { attestation = created.AttestationObject, clientData = created.ClientDataJson }));
        Assert.True(activated == 200, $"activating: {activated} {factor}");
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
        var attested = AttestationObject.Parse(Base64Url.Decode(created.AttestationObject));
        return new ChromiumPasskey(userId, login, factorId, created.CredentialId,
            activation.GetProperty("user").GetProperty("id").GetString()!, attested.AuthData.Aaguid!.Value, attested);
    }

    /// <summary><c>/primary-authenticate</c> with <c>challenge_hint</c> webauthn; <paramref name="extra"/> adds e.g. an <c>mfa_token</c>.</summary>
    public static async Task<(int Status, JsonElement Body)> PrimaryAuthenticateAsync(this ServerFixture server, string clientId, string? loginHint,
        params (string Name, string Value)[] extra)
    {
        var form = new List<(string, string)> { ("client_id", clientId), ("challenge_hint", GrantTypes.Webauthn), ("scope", "openid profile offline_access") };
        if (loginHint is not null) form.Add(("login_hint", loginHint));
        form.AddRange(extra);
        return await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/primary-authenticate", [.. form]));
    }

    /// <summary>A challenge that must be answered 200 in section 9's shape; returns its <c>publicKey</c>.</summary>
    public static JsonElement PublicKeyOf(int status, JsonElement body, string challengeType = GrantTypes.Webauthn)
    {
        Assert.True(status == 200, $"challenge: {status} {body}");
        Assert.Equal(challengeType, body.GetProperty("challengeType").GetString());
        return body.GetProperty("publicKey");
    }

    /// <summary>The token request a native app sends with the platform's assertion: flat form fields.</summary>
    public static Task<(int Status, JsonElement Body)> RedeemAsync(this ServerFixture server, string clientId, WebAuthnAssertion assertion,
        string grantType = GrantTypes.Webauthn, string? mfaToken = null)
    {
        var form = new List<(string, string)>
        {
            ("grant_type", grantType),
            ("client_id", clientId),
            ("scope", "openid profile offline_access"),
            (Parameters.ClientDataJson, assertion.ClientDataJson),
            (Parameters.AuthenticatorData, assertion.AuthenticatorData),
            (Parameters.Signature, assertion.Signature),
        };
        if (assertion.UserHandle is not null) form.Add((Parameters.UserHandle, assertion.UserHandle));
        if (mfaToken is not null) form.Add(("mfa_token", mfaToken));
        return server.TokenAsync([.. form]);
    }

    /// <summary>Both tokens of a 200 answer, validated against the server's JWKS, for <paramref name="userId"/>.</summary>
    public static async Task<(JsonWebToken Id, JsonWebToken Access)> ValidTokensAsync(this ServerFixture server, int status, JsonElement body,
        string clientId, string userId)
    {
        Assert.True(status == 200, $"token: {status} {body}");
        var id = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, clientId);
        var access = await TokenClaims.ValidateAsync(server, body.GetProperty("access_token").GetString()!, "api://default");
        Assert.Equal(userId, id.Subject);
        Assert.True(body.TryGetProperty("refresh_token", out _));
        return (id, access);
    }

    public static string[] Amr(JsonWebToken token) => [.. token.Claims.Where(c => c.Type == "amr").Select(c => c.Value)];
}
