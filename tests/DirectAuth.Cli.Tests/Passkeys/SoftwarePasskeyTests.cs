using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Cli.Authenticator.Passkeys;
using Fido2NetLib;
using Fido2NetLib.Objects;

namespace DirectAuth.Cli.Tests.Passkeys;

/// <summary>
/// The CLI's software passkey, checked by independent code: Fido2 (fido2-net-lib, what the server verifies with)
/// registers its attestation and verifies its assertions; System.Formats.Cbor reads its CBOR back; .NET's ECDsa
/// checks its signatures with the public key taken out of the COSE key.
/// </summary>
public sealed class SoftwarePasskeyTests
{
    private const string Origin = "http://localhost:5080";
    private static readonly byte[] UserHandle = RandomNumberGenerator.GetBytes(16);

    private static Fido2 NewFido2() => new(new Fido2Configuration
    {
        RPID = "localhost",
        RPName = "DirectAuth tests",
        Origins = new HashSet<string> { Origin },
    });

    private static CredentialCreateOptions CreationOptions(Fido2 fido, AttestationConveyancePreference attestation) =>
        fido.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandle, Name = "ada@example.com", DisplayName = "Ada" },
            ExcludeCredentials = [],
            AuthenticatorSelection = new AuthenticatorSelection { UserVerification = UserVerificationRequirement.Required, ResidentKey = ResidentKeyRequirement.Required },
            AttestationPreference = attestation,
            PubKeyCredParams = PubKeyCredParam.Defaults,
        });

    private static async Task<(RegisteredPublicKeyCredential Credential, PasskeyAccount Account)> RegisterAsync(Fido2 fido, bool packed)
    {
        var options = CreationOptions(fido, packed ? AttestationConveyancePreference.Direct : AttestationConveyancePreference.None);
        var registration = SoftwarePasskey.Create(JsonDocument.Parse(options.ToJson()).RootElement, Origin, packed, []);
        var credential = await fido.MakeNewCredentialAsync(new MakeNewCredentialParams
        {
            AttestationResponse = new AuthenticatorAttestationRawResponse
            {
                Id = WebAuthnEncoding.Base64Url(registration.CredentialId),
                RawId = registration.CredentialId,
                Type = PublicKeyCredentialType.PublicKey,
                Response = new AuthenticatorAttestationRawResponse.AttestationResponse
                {
                    AttestationObject = registration.AttestationObject,
                    ClientDataJson = registration.ClientDataJson,
                },
                ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
            },
            OriginalOptions = options,
            IsCredentialIdUniqueToUserCallback = (_, _) => Task.FromResult(true),
        });
        var account = new PasskeyAccount
        {
            Server = Origin, FactorId = "fid", UserId = "uid", Login = "ada@example.com", Name = "Test", RpId = "localhost", Origin = Origin,
            CredentialId = WebAuthnEncoding.Base64Url(registration.CredentialId), UserHandle = WebAuthnEncoding.Base64Url(UserHandle),
            PrivateKey = Convert.ToBase64String(registration.Key.ExportPkcs8PrivateKey()),
        };
        registration.Key.Dispose();
        return (credential, account);
    }

    private static AssertionOptions AssertionOptionsFor(Fido2 fido, byte[]? credentialId) => fido.GetAssertionOptions(new GetAssertionOptionsParams
    {
        AllowedCredentials = credentialId is null ? [] : [new PublicKeyCredentialDescriptor(credentialId)],
        UserVerification = UserVerificationRequirement.Required,
    });

    private static Task<VerifyAssertionResult> VerifyAsync(Fido2 fido, AssertionOptions options, RegisteredPublicKeyCredential credential,
        SignedAssertion assertion, uint storedCounter) =>
        fido.MakeAssertionAsync(new MakeAssertionParams
        {
            AssertionResponse = new AuthenticatorAssertionRawResponse
            {
                Id = assertion.CredentialId,
                RawId = WebAuthnEncoding.FromBase64Url(assertion.CredentialId),
                Type = PublicKeyCredentialType.PublicKey,
                Response = new AuthenticatorAssertionRawResponse.AssertionResponse
                {
                    AuthenticatorData = WebAuthnEncoding.FromBase64Url(assertion.AuthenticatorData),
                    Signature = WebAuthnEncoding.FromBase64Url(assertion.Signature),
                    ClientDataJson = WebAuthnEncoding.FromBase64Url(assertion.ClientDataJson),
                    UserHandle = WebAuthnEncoding.FromBase64Url(assertion.UserHandle),
                },
                ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
            },
            OriginalOptions = options,
            StoredPublicKey = credential.PublicKey,
            StoredSignatureCounter = storedCounter,
            IsUserHandleOwnerOfCredentialIdCallback = (_, _) => Task.FromResult(true),
        });

    [Theory]
    [InlineData(false, "none")]
    [InlineData(true, "self")]
    public async Task Create_Fido2RegistersIt_WithOurAaguidUvAndNoBackupFlags(bool packed, string expected)
    {
        var fido = NewFido2();

        var (credential, _) = await RegisterAsync(fido, packed);

        Assert.Equal(expected, credential.AttestationType.ToString());
        Assert.Equal(SoftwarePasskey.Aaguid, credential.AaGuid);
        Assert.Equal(0u, credential.SignCount);
        Assert.False(credential.IsBackupEligible);
        Assert.False(credential.IsBackedUp);
        Assert.Equal(UserHandle, credential.User.Id);
    }

    [Fact]
    public async Task Sign_Fido2VerifiesEachAssertion_AndTheCounterGoesUpByOne()
    {
        var fido = NewFido2();
        var (credential, account) = await RegisterAsync(fido, packed: false);

        var first = SoftwarePasskey.Sign(account, Options(AssertionOptionsFor(fido, credential.Id)), null);
        var firstOptions = AssertionOptionsFor(fido, credential.Id);
        var second = SoftwarePasskey.Sign(account, Options(firstOptions), null);

        var verified = await VerifyAsync(fido, firstOptions, credential, second, storedCounter: 1);
        Assert.Equal(2u, verified.SignCount);
        Assert.Equal(2u, account.Counter);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(WebAuthnEncoding.FromBase64Url(first.AuthenticatorData).AsSpan(33, 4)));
    }

    [Fact]
    public async Task Sign_ForAnotherOrigin_Fido2Refuses()
    {
        var fido = NewFido2();
        var (credential, account) = await RegisterAsync(fido, packed: false);
        var options = AssertionOptionsFor(fido, credential.Id);

        var assertion = SoftwarePasskey.Sign(account, Options(options), "https://evil.example");

        await Assert.ThrowsAsync<Fido2VerificationException>(() => VerifyAsync(fido, options, credential, assertion, 0));
    }

    [Fact]
    public void AttestationObject_ReadsBackAsCtap2CanonicalCbor_WithCoseEs256KeyThatVerifiesTheSignature()
    {
        var options = JsonDocument.Parse($$"""
            {"challenge":"{{WebAuthnEncoding.Base64Url(RandomNumberGenerator.GetBytes(32))}}","rp":{"id":"localhost","name":"DirectAuth"},
             "user":{"id":"{{WebAuthnEncoding.Base64Url(UserHandle)}}","name":"ada","displayName":"Ada"},
             "pubKeyCredParams":[{"type":"public-key","alg":-7}]}
            """).RootElement;

        var registration = SoftwarePasskey.Create(options, Origin, packed: true, []);

        var reader = new CborReader(registration.AttestationObject, CborConformanceMode.Ctap2Canonical);
        Assert.Equal(3, reader.ReadStartMap());
        Assert.Equal("fmt", reader.ReadTextString());
        Assert.Equal("packed", reader.ReadTextString());
        Assert.Equal("attStmt", reader.ReadTextString());
        Assert.Equal(2, reader.ReadStartMap());
        Assert.Equal("alg", reader.ReadTextString());
        Assert.Equal(-7, reader.ReadInt32());
        Assert.Equal("sig", reader.ReadTextString());
        var sig = reader.ReadByteString();
        reader.ReadEndMap();
        Assert.Equal("authData", reader.ReadTextString());
        var authData = reader.ReadByteString();
        reader.ReadEndMap();
        Assert.Equal(0, reader.BytesRemaining);

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("localhost")), authData[..32]);
        Assert.Equal(0x45, authData[32]); // UP | UV | AT; BE and BS clear
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(authData.AsSpan(33, 4)));
        Assert.Equal(SoftwarePasskey.Aaguid, new Guid(authData.AsSpan(37, 16), bigEndian: true));
        var idLength = BinaryPrimitives.ReadUInt16BigEndian(authData.AsSpan(53, 2));
        Assert.Equal(registration.CredentialId, authData.AsSpan(55, idLength).ToArray());

        var cose = new CborReader(authData.AsMemory(55 + idLength), CborConformanceMode.Ctap2Canonical);
        Assert.Equal(5, cose.ReadStartMap());
        Assert.Equal((1, 2), (cose.ReadInt32(), cose.ReadInt32()));
        Assert.Equal((3, -7), (cose.ReadInt32(), cose.ReadInt32()));
        Assert.Equal((-1, 1), (cose.ReadInt32(), cose.ReadInt32()));
        Assert.Equal(-2, cose.ReadInt32());
        var x = cose.ReadByteString();
        Assert.Equal(-3, cose.ReadInt32());
        var y = cose.ReadByteString();
        cose.ReadEndMap();
        Assert.Equal(0, cose.BytesRemaining);

        using var publicKey = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        var signed = authData.Concat(SHA256.HashData(registration.ClientDataJson)).ToArray();
        Assert.True(publicKey.VerifyData(signed, sig, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var clientData = JsonDocument.Parse(registration.ClientDataJson).RootElement;
        Assert.Equal("webauthn.create", clientData.GetProperty("type").GetString());
        Assert.Equal(options.GetProperty("challenge").GetString(), clientData.GetProperty("challenge").GetString());
        Assert.Equal(Origin, clientData.GetProperty("origin").GetString());
        registration.Key.Dispose();
    }

    [Fact]
    public void Create_WhenEs256IsNotOffered_OrTheCredentialIsExcluded_Refuses()
    {
        var rs256Only = JsonDocument.Parse("""
            {"challenge":"AAAA","rp":{"id":"localhost"},"user":{"id":"AQID"},"pubKeyCredParams":[{"type":"public-key","alg":-257}]}
            """).RootElement;
        var excluded = JsonDocument.Parse("""
            {"challenge":"AAAA","rp":{"id":"localhost"},"user":{"id":"AQID"},"excludeCredentials":[{"type":"public-key","id":"AAECAwQ"}]}
            """).RootElement;

        Assert.Contains("ES256", Assert.Throws<PasskeyException>(() => SoftwarePasskey.Create(rs256Only, Origin, false, [])).Message, StringComparison.Ordinal);
        Assert.Contains("excludeCredentials", Assert.Throws<PasskeyException>(() => SoftwarePasskey.Create(excluded, Origin, false, ["AAECAwQ"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_PicksByAllowCredentialsRpIdAndLogin_AndSaysWhyNot()
    {
        PasskeyAccount Account(string login, string credential, string rp = "localhost") => new()
        {
            Server = Origin, FactorId = "f-" + credential, UserId = "u", Login = login, Name = "n", RpId = rp, Origin = Origin,
            CredentialId = credential, UserHandle = "AQID", PrivateKey = "",
        };
        var ada = Account("ada@example.com", "AAAA");
        var bob = Account("bob@example.com", "BBBB");
        var other = Account("ada@example.com", "CCCC", "example.com");
        JsonElement Request(string allow) => JsonDocument.Parse($$"""{"challenge":"AAAA","rpId":"localhost","allowCredentials":[{{allow}}]}""").RootElement;

        Assert.Same(bob, SoftwarePasskey.Choose([ada, bob, other], Request("""{"type":"public-key","id":"BBBB"}"""), null));
        Assert.Same(ada, SoftwarePasskey.Choose([ada, bob, other], Request(""), "ADA@example.com"));
        Assert.Contains("Several passkeys", Assert.Throws<PasskeyException>(() => SoftwarePasskey.Choose([ada, bob], Request(""), null)).Message, StringComparison.Ordinal);
        Assert.Contains("no passkey", Assert.Throws<PasskeyException>(() => SoftwarePasskey.Choose([], Request(""), null)).Message, StringComparison.Ordinal);
        Assert.Contains("None of the passkeys", Assert.Throws<PasskeyException>(() => SoftwarePasskey.Choose([ada, other], Request("""{"type":"public-key","id":"BBBB"}"""), null)).Message, StringComparison.Ordinal);
        Assert.Throws<PasskeyException>(() => SoftwarePasskey.Choose([ada], Request(""), "bob@example.com"));
    }

    private static JsonElement Options(AssertionOptions options) => JsonDocument.Parse(options.ToJson()).RootElement;
}
