using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// The browser harness on its own, without the server: Chromium's virtual authenticator creates a
/// credential from options the test makes, answers assertions, and the test checks them independently
/// (CBOR parsed here, the signature checked with .NET's ECDsa over authenticatorData || SHA-256(clientDataJSON)).
/// </summary>
public sealed class VirtualAuthenticatorTests
{
    [Fact]
    public Task Chromium_CreatesCredentialAndAssertion_SignatureVerifiesWithAttestedKey() => WebAuthnHarness.RunAsync(async harness =>
    {
        var userId = RandomNumberGenerator.GetBytes(16);
        var creation = CreationOptions(userId, out var createChallenge);
        var attestation = await harness.CreateAsync(creation);

        var createData = ClientData(attestation.ClientDataJson);
        Assert.Equal("webauthn.create", createData.GetProperty("type").GetString());
        Assert.Equal(createChallenge, createData.GetProperty("challenge").GetString());
        Assert.Equal(harness.Site.Origin, createData.GetProperty("origin").GetString());
        var attested = AttestationObject.Parse(Base64Url.Decode(attestation.AttestationObject));
        Assert.Equal("none", attested.Format);
        Assert.Equal(0, attested.StatementEntries);
        Assert.Equal(SHA256.HashData("localhost"u8), attested.AuthData.RpIdHash);
        Assert.True(attested.AuthData.UserPresent && attested.AuthData.UserVerified && attested.AuthData.AttestedCredential);
        Assert.Equal(attestation.CredentialId, Base64Url.Encode(attested.AuthData.CredentialId));

        var request = RequestOptions([attestation.CredentialId], out var getChallenge);
        var assertion = await harness.GetAsync(request);

        Assert.Equal(attestation.CredentialId, assertion.CredentialId);
        Assert.Equal(Base64Url.Encode(userId), assertion.UserHandle);
        var getData = ClientData(assertion.ClientDataJson);
        Assert.Equal("webauthn.get", getData.GetProperty("type").GetString());
        Assert.Equal(getChallenge, getData.GetProperty("challenge").GetString());
        Assert.Equal(harness.Site.Origin, getData.GetProperty("origin").GetString());
        var authData = Base64Url.Decode(assertion.AuthenticatorData);
        var asserted = AuthenticatorData.Parse(authData);
        Assert.Equal(SHA256.HashData("localhost"u8), asserted.RpIdHash);
        Assert.True(asserted.UserPresent && asserted.UserVerified);
        Assert.Equal((await harness.Authenticator.CredentialAsync(attestation.CredentialId)).SignCount, asserted.SignCount);

        using var key = ECDsa.Create(attested.AuthData.PublicKey!.Value);
        var signed = authData.Concat(SHA256.HashData(Base64Url.Decode(assertion.ClientDataJson))).ToArray();
        var signature = Base64Url.Decode(assertion.Signature);
        Assert.True(key.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        signed[32] ^= 0x04; // the same signature over other flags must not verify
        Assert.False(key.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    });

    [Fact]
    public Task Chromium_DiscoverableCredential_AssertsWithoutAllowCredentialsAndCountsUp() => WebAuthnHarness.RunAsync(async harness =>
    {
        var userId = RandomNumberGenerator.GetBytes(16);
        var attestation = await harness.CreateAsync(CreationOptions(userId, out _));
        var stored = Assert.Single(await harness.Authenticator.CredentialsAsync());
        Assert.True(stored.IsResident);
        Assert.Equal("localhost", stored.RpId);
        Assert.Equal(Base64Url.Encode(userId), stored.UserHandle);

        var first = await harness.GetAsync(RequestOptions([], out _));
        var second = await harness.GetAsync(RequestOptions([], out _));

        Assert.Equal(attestation.CredentialId, first.CredentialId);
        Assert.Equal(Base64Url.Encode(userId), first.UserHandle);
        Assert.Equal(AuthenticatorData.Parse(Base64Url.Decode(first.AuthenticatorData)).SignCount + 1,
            AuthenticatorData.Parse(Base64Url.Decode(second.AuthenticatorData)).SignCount);
    });

    [Fact]
    public Task Chromium_UserNotVerified_RefusesUvRequiredAndClearsUvFlagWhenDiscouraged() => WebAuthnHarness.RunAsync(async harness =>
    {
        var attestation = await harness.CreateAsync(CreationOptions(RandomNumberGenerator.GetBytes(16), out _));
        await harness.Authenticator.SetUserVerifiedAsync(false);

        Assert.Equal("NotAllowedError", await harness.GetRefusedAsync(RequestOptions([attestation.CredentialId], out _)));
        var assertion = await harness.GetAsync(RequestOptions([attestation.CredentialId], out _), o => o["userVerification"] = "discouraged");

        var flags = AuthenticatorData.Parse(Base64Url.Decode(assertion.AuthenticatorData));
        Assert.True(flags.UserPresent);
        Assert.False(flags.UserVerified);
    });

    [Fact]
    public Task Chromium_OtherOrigin_SignsWithThatOriginAndRestoredCounter() => WebAuthnHarness.RunAsync(async harness =>
    {
        var attestation = await harness.CreateAsync(CreationOptions(RandomNumberGenerator.GetBytes(16), out _));
        await harness.NavigateAsync(harness.Site.OtherOrigin);
        await harness.Authenticator.SetSignCountAsync(attestation.CredentialId, 41);

        var assertion = await harness.GetAsync(RequestOptions([attestation.CredentialId], out _));

        Assert.NotEqual(harness.Site.Origin, harness.Site.OtherOrigin);
        Assert.Equal(harness.Site.OtherOrigin, ClientData(assertion.ClientDataJson).GetProperty("origin").GetString());
        Assert.Equal(42u, AuthenticatorData.Parse(Base64Url.Decode(assertion.AuthenticatorData)).SignCount);
    });

    [Fact]
    public Task Chromium_AppIdExtensionOnHttpOrigin_IsDroppedByTheHarness() => WebAuthnHarness.RunAsync(async harness =>
    {
        var attestation = await harness.CreateAsync(CreationOptions(RandomNumberGenerator.GetBytes(16), out _));
        var request = RequestOptions([attestation.CredentialId], out _);

        var assertion = await harness.GetAsync(request, o => o["extensions"] = new JsonObject { ["appid"] = harness.Site.Origin });
        var direct = await harness.Page.EvaluateAsync<string>("""
            async appid => {
              try {
                await navigator.credentials.get({ publicKey: { challenge: new Uint8Array(32), rpId: "localhost", extensions: { appid } } });
                return "ok";
              } catch (e) { return e.name; }
            }
            """, harness.Site.Origin);

        Assert.Equal(attestation.CredentialId, assertion.CredentialId);
        Assert.Equal("SecurityError", direct); // why the harness drops it: Chromium refuses appid on an http origin
    });

    /// <summary>PublicKeyCredentialCreationOptions as the Factors API sends them (base64url binaries).</summary>
    private static JsonElement CreationOptions(byte[] userId, out string challenge)
    {
        challenge = Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        return JsonSerializer.SerializeToElement(new
        {
            challenge,
            rp = new { id = "localhost", name = "DirectAuth" },
            user = new { id = Base64Url.Encode(userId), name = "ada@example.com", displayName = "Ada" },
            pubKeyCredParams = new[] { new { type = "public-key", alg = -7 }, new { type = "public-key", alg = -257 } },
            excludeCredentials = Array.Empty<object>(),
            authenticatorSelection = new { userVerification = "required", residentKey = "required", requireResidentKey = true },
            attestation = "none",
            timeout = 60000,
        });
    }

    /// <summary>PublicKeyCredentialRequestOptions as a challenge answer's <c>publicKey</c> carries them.</summary>
    private static JsonElement RequestOptions(string[] credentialIds, out string challenge)
    {
        challenge = Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        return JsonSerializer.SerializeToElement(new
        {
            challenge,
            rpId = "localhost",
            timeout = 60000,
            userVerification = "required",
            allowCredentials = credentialIds.Select(id => new { type = "public-key", id }).ToArray(),
        });
    }

    private static JsonElement ClientData(string base64Url) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(Base64Url.Decode(base64Url))).RootElement.Clone();
}
