using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// The test's own reading of what an authenticator made (WebAuthn Level 3 §6.1, §6.5): the flags, counter
/// and attested key of authenticator data, and the parts of an attestation object. For checking a browser's
/// output in tests; the server verifies with the Fido2 library, never with this.
/// </summary>
public sealed record AuthenticatorData(byte[] RpIdHash, byte Flags, uint SignCount, Guid? Aaguid, byte[]? CredentialId, ECParameters? PublicKey)
{
    public bool UserPresent => (Flags & 0x01) != 0;
    public bool UserVerified => (Flags & 0x04) != 0;
    public bool BackupEligible => (Flags & 0x08) != 0;
    public bool AttestedCredential => (Flags & 0x40) != 0;

    public static AuthenticatorData Parse(byte[] data)
    {
        var flags = data[32];
        var signCount = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(33, 4));
        if ((flags & 0x40) == 0) return new(data[..32], flags, signCount, null, null, null);
        var aaguid = new Guid(data.AsSpan(37, 16), bigEndian: true);
        var idLength = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(53, 2));
        var credentialId = data[55..(55 + idLength)];
        var key = new CborReader(data.AsMemory(55 + idLength), CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
        return new(data[..32], flags, signCount, aaguid, credentialId, ReadEc2Key(key));
    }

    /// <summary>A COSE_Key of kty EC2 (2), alg ES256 (-7), crv P-256 (1).</summary>
    private static ECParameters ReadEc2Key(CborReader cose)
    {
        var fields = new Dictionary<long, object>();
        var count = cose.ReadStartMap()!.Value;
        for (var i = 0; i < count; i++)
        {
            var label = cose.ReadInt64();
            fields[label] = cose.PeekState() == CborReaderState.ByteString ? cose.ReadByteString() : cose.ReadInt64();
        }
        cose.ReadEndMap();
        Assert.Equal(2L, fields[1]);
        Assert.Equal(-7L, fields[3]);
        Assert.Equal(1L, fields[-1]);
        return new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = (byte[])fields[-2], Y = (byte[])fields[-3] } };
    }
}

/// <summary>An attestation object (CBOR map of <c>fmt</c>, <c>attStmt</c>, <c>authData</c>).</summary>
public sealed record AttestationObject(string Format, int StatementEntries, AuthenticatorData AuthData)
{
    public static AttestationObject Parse(byte[] cbor)
    {
        var reader = new CborReader(cbor, CborConformanceMode.Lax);
        string? format = null;
        int statementEntries = 0;
        byte[]? authData = null;
        var count = reader.ReadStartMap()!.Value;
        for (var i = 0; i < count; i++)
        {
            switch (reader.ReadTextString())
            {
                case "fmt": format = reader.ReadTextString(); break;
                case "authData": authData = reader.ReadByteString(); break;
                case "attStmt":
                    statementEntries = reader.ReadStartMap() ?? 0;
                    for (var j = 0; j < statementEntries * 2; j++) reader.SkipValue();
                    reader.ReadEndMap();
                    break;
                default: reader.SkipValue(); break;
            }
        }
        reader.ReadEndMap();
        return new(format!, statementEntries, AuthenticatorData.Parse(authData!));
    }
}
