using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>
/// A software authenticator for tests: one ES256 (P-256) credential, with attestation "none" or "packed"
/// (self attestation), built with System.Formats.Cbor the way an authenticator builds them (WebAuthn Level 3
/// §6.1, §6.5, §8.2). It signs whatever it is told to, so tests can also make it misbehave.
/// </summary>
public sealed class SoftwarePasskey : IDisposable
{
    public const byte Up = 0x01, Uv = 0x04, Be = 0x08, Bs = 0x10, At = 0x40;

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);
    public Guid Aaguid { get; init; } = Guid.Parse("08fc0c68-688e-455e-b7f0-4006f0e2b28c");
    public uint Counter { get; set; }
    /// <summary>The user handle the server gave at enrollment (user.id).</summary>
    public byte[]? UserHandle { get; private set; }

    public static string B64(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
    public static byte[] FromB64(string s) => System.Buffers.Text.Base64Url.DecodeFromChars(s);

    /// <summary>Answers the creation options of a Factors API enrollment: (attestationObject, clientDataJSON), base64url.</summary>
    public (string Attestation, string ClientData) Register(JsonElement activation, string origin, string format = "none",
        byte flags = Up | Uv | At, string? rpId = null, string? challenge = null)
    {
        rpId ??= activation.GetProperty("rp").GetProperty("id").GetString()!;
        UserHandle = FromB64(activation.GetProperty("user").GetProperty("id").GetString()!);
        var clientData = ClientData("webauthn.create", challenge ?? activation.GetProperty("challenge").GetString()!, origin);
        var authData = AuthenticatorData(rpId, flags, 0, attested: true);
        var cbor = new CborWriter(CborConformanceMode.Lax);
        cbor.WriteStartMap(3);
        cbor.WriteTextString("fmt");
        cbor.WriteTextString(format);
        cbor.WriteTextString("attStmt");
        if (format == "packed")
        {
            cbor.WriteStartMap(2);
            cbor.WriteTextString("alg");
            cbor.WriteInt32(-7);
            cbor.WriteTextString("sig");
            cbor.WriteByteString(Sign(authData, clientData));
            cbor.WriteEndMap();
        }
        else
        {
            cbor.WriteStartMap(0);
            cbor.WriteEndMap();
        }
        cbor.WriteTextString("authData");
        cbor.WriteByteString(authData);
        cbor.WriteEndMap();
        return (B64(cbor.Encode()), B64(clientData));
    }

    /// <summary>An assertion over the challenge of <paramref name="publicKey"/> (the request options), as the form fields of /token.</summary>
    public Assertion Assert(JsonElement publicKey, string origin, byte flags = Up | Uv, string? rpId = null, uint? counter = null,
        string type = "webauthn.get", bool withUserHandle = true)
    {
        Counter = counter ?? Counter + 1;
        rpId ??= publicKey.GetProperty("rpId").GetString()!;
        var clientData = ClientData(type, publicKey.GetProperty("challenge").GetString()!, origin);
        var authData = AuthenticatorData(rpId, flags, Counter, attested: false);
        return new Assertion(B64(clientData), B64(authData), B64(Sign(authData, clientData)), withUserHandle && UserHandle is not null ? B64(UserHandle) : null);
    }

    private static byte[] ClientData(string type, string challenge, string origin) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object> { ["type"] = type, ["challenge"] = challenge, ["origin"] = origin, ["crossOrigin"] = false }));

    private byte[] Sign(byte[] authData, byte[] clientData) =>
        _key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private byte[] AuthenticatorData(string rpId, byte flags, uint counter, bool attested)
    {
        var data = new List<byte>();
        data.AddRange(SHA256.HashData(Encoding.UTF8.GetBytes(rpId)));
        data.Add(flags);
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, counter);
        data.AddRange(count);
        if (!attested) return [.. data];
        data.AddRange(Aaguid.ToByteArray(bigEndian: true));
        data.Add((byte)(CredentialId.Length >> 8));
        data.Add((byte)CredentialId.Length);
        data.AddRange(CredentialId);
        var p = _key.ExportParameters(false);
        var cose = new CborWriter(CborConformanceMode.Lax);
        cose.WriteStartMap(5);
        cose.WriteInt32(1); cose.WriteInt32(2);     // kty: EC2
        cose.WriteInt32(3); cose.WriteInt32(-7);    // alg: ES256
        cose.WriteInt32(-1); cose.WriteInt32(1);    // crv: P-256
        cose.WriteInt32(-2); cose.WriteByteString(p.Q.X!);
        cose.WriteInt32(-3); cose.WriteByteString(p.Q.Y!);
        cose.WriteEndMap();
        data.AddRange(cose.Encode());
        return [.. data];
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>The flat form fields of a passkey assertion at /token.</summary>
public sealed record Assertion(string ClientDataJson, string AuthenticatorData, string Signature, string? UserHandle)
{
    public IEnumerable<(string, string)> Fields()
    {
        yield return ("clientDataJSON", ClientDataJson);
        yield return ("authenticatorData", AuthenticatorData);
        yield return ("signature", Signature);
        if (UserHandle is not null) yield return ("userHandle", UserHandle);
    }
}
