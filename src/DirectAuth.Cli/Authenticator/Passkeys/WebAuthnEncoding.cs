using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;

namespace DirectAuth.Cli.Authenticator.Passkeys;

/// <summary>
/// The authenticator's side of WebAuthn's binary formats (Level 3 §6.1, §6.5, §8.2): authenticator data, the
/// COSE public key, and the attestation object in CBOR (CTAP2 canonical). The server verifies all of it with
/// an independent library (Fido2), so what is written here is checked end to end.
/// </summary>
public static class WebAuthnEncoding
{
    /// <summary>User present.</summary>
    public const byte FlagUp = 0x01;
    /// <summary>User verified.</summary>
    public const byte FlagUv = 0x04;
    /// <summary>Backup eligible (never set: this software passkey stays in one state file).</summary>
    public const byte FlagBe = 0x08;
    /// <summary>Backed up (never set).</summary>
    public const byte FlagBs = 0x10;
    /// <summary>Attested credential data included.</summary>
    public const byte FlagAt = 0x40;

    /// <summary>COSE algorithm ES256 (ECDSA with SHA-256 on P-256).</summary>
    public const int Es256 = -7;

    /// <summary>rpIdHash (32) | flags (1) | signCount (4, big-endian) | attestedCredentialData (when given).</summary>
    public static byte[] AuthenticatorData(string rpId, byte flags, uint signCount, ReadOnlySpan<byte> attestedCredentialData = default)
    {
        var data = new byte[37 + attestedCredentialData.Length];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(rpId), data.AsSpan(0, 32));
        data[32] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(33, 4), signCount);
        attestedCredentialData.CopyTo(data.AsSpan(37));
        return data;
    }

    /// <summary>aaguid (16) | credentialIdLength (2, big-endian) | credentialId | credentialPublicKey (COSE).</summary>
    public static byte[] AttestedCredentialData(Guid aaguid, ReadOnlySpan<byte> credentialId, ReadOnlySpan<byte> cosePublicKey)
    {
        var data = new byte[18 + credentialId.Length + cosePublicKey.Length];
        aaguid.TryWriteBytes(data.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(16, 2), checked((ushort)credentialId.Length));
        credentialId.CopyTo(data.AsSpan(18));
        cosePublicKey.CopyTo(data.AsSpan(18 + credentialId.Length));
        return data;
    }

    /// <summary>The EC2 P-256 public key as a COSE_Key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}.</summary>
    public static byte[] CosePublicKey(ECParameters publicKey)
    {
        var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
        writer.WriteStartMap(5);
        writer.WriteInt32(1); writer.WriteInt32(2);
        writer.WriteInt32(3); writer.WriteInt32(Es256);
        writer.WriteInt32(-1); writer.WriteInt32(1);
        writer.WriteInt32(-2); writer.WriteByteString(publicKey.Q.X!);
        writer.WriteInt32(-3); writer.WriteByteString(publicKey.Q.Y!);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>
    /// {"fmt": "none", "attStmt": {}, "authData": …}, or with <paramref name="packedSignature"/> the packed
    /// self-attestation {"fmt": "packed", "attStmt": {"alg": -7, "sig": …}, "authData": …}.
    /// </summary>
    public static byte[] AttestationObject(ReadOnlySpan<byte> authenticatorData, byte[]? packedSignature)
    {
        var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
        writer.WriteStartMap(3);
        writer.WriteTextString("fmt");
        writer.WriteTextString(packedSignature is null ? "none" : "packed");
        writer.WriteTextString("attStmt");
        if (packedSignature is null)
        {
            writer.WriteStartMap(0);
        }
        else
        {
            writer.WriteStartMap(2);
            writer.WriteTextString("alg"); writer.WriteInt32(Es256);
            writer.WriteTextString("sig"); writer.WriteByteString(packedSignature);
        }
        writer.WriteEndMap();
        writer.WriteTextString("authData");
        writer.WriteByteString(authenticatorData);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>An ES256 signature as WebAuthn carries it (ASN.1 DER) over authenticatorData || SHA-256(clientDataJSON).</summary>
    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> authenticatorData, ReadOnlySpan<byte> clientDataJson)
    {
        var signed = new byte[authenticatorData.Length + 32];
        authenticatorData.CopyTo(signed);
        SHA256.HashData(clientDataJson, signed.AsSpan(authenticatorData.Length));
        return key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes base64url (padding optional); throws <see cref="FormatException"/> when it is not.</summary>
    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
