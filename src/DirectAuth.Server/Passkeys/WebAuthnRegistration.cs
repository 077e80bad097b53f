using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// The enrollment ceremony of a passkey, independent of the API that drives it (the Factors API today,
/// self-service later): <see cref="StartAsync"/> stores a pending <c>webauthn</c> factor and issues the
/// <c>PublicKeyCredentialCreationOptions</c> bound to it; <see cref="CompleteAsync"/> verifies the
/// authenticator's answer with the Fido2 library (attestation formats none and packed, and the others the
/// library knows), stores the credential and activates the factor. The caller answers and audits.
/// </summary>
public sealed class WebAuthnRegistration(DirectAuthDb db, WebAuthnRelyingParty rp, WebAuthnChallenges challenges, TimeProvider clock)
{
    public const string Provider = "FIDO";
    /// <summary>The name of a passkey enrolled without one.</summary>
    public const string DefaultName = "Passkey";

    /// <summary>Stores a pending passkey factor named <paramref name="name"/> and returns it with its creation options.</summary>
    public async Task<(Factor Factor, Dictionary<string, object> Options)> StartAsync(User user, string name, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Enrollments left pending past their challenge's life are dropped.
        await db.Set<Factor>().Where(f => f.UserId == user.Id && f.FactorType == FactorTypes.Webauthn && f.Status == FactorStatus.PendingActivation
            && f.ActivationExpiresAt <= now).ExecuteDeleteAsync(ct);
        var factor = new Factor
        {
            Id = Secrets.NewId("fwf"),
            UserId = user.Id,
            FactorType = FactorTypes.Webauthn,
            Provider = Provider,
            Status = FactorStatus.PendingActivation,
            Created = now,
            LastUpdated = now,
            Profile = JsonSerializer.Serialize(new Dictionary<string, string> { ["authenticatorName"] = name }),
            ActivationExpiresAt = now.AddSeconds(rp.Options.TimeoutSeconds),
        };
        db.Add(factor);
        await db.SaveChangesAsync(ct);
        db.Entry(factor).State = EntityState.Detached;
        return (factor, await BeginAsync(user, factor.Id, ct));
    }

    /// <summary>
    /// Verifies the answer for the pending <paramref name="factor"/>, stores the credential and makes the factor
    /// ACTIVE with <c>profile</c> {credentialId, authenticatorName, aaguid} (updated on <paramref name="factor"/> too).
    /// </summary>
    public async Task<(WebAuthnCredential? Credential, Failure? Failure)> CompleteAsync(Factor factor, User user, string? attestationObject, string? clientDataJson,
        CancellationToken ct)
    {
        var name = factor.Profile is { } p && JsonDocument.Parse(p).RootElement.TryGetProperty("authenticatorName", out var n)
            && n.ValueKind == JsonValueKind.String ? n.GetString()! : DefaultName;
        var (credential, failure) = await FinishAsync(user, factor.Id, name, attestationObject, clientDataJson, ct);
        if (credential is null) return (null, failure);
        var now = clock.GetUtcNow();
        var profile = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["credentialId"] = WebAuthnBase64.Encode(credential.CredentialId), ["authenticatorName"] = credential.Name, ["aaguid"] = credential.Aaguid,
        });
        await db.Set<Factor>().Where(f => f.Id == factor.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Status, FactorStatus.Active)
                .SetProperty(f => f.Profile, profile)
                .SetProperty(f => f.ActivationExpiresAt, (DateTimeOffset?)null)
                .SetProperty(f => f.LastUpdated, now), ct);
        factor.Status = FactorStatus.Active;
        factor.Profile = profile;
        factor.LastUpdated = now;
        factor.ActivationExpiresAt = null;
        return (credential, null);
    }

    /// <summary>Algorithms offered, in order of preference: ES256, EdDSA, RS256.</summary>
    private static readonly COSE.Algorithm[] Algorithms = [COSE.Algorithm.ES256, COSE.Algorithm.EdDSA, COSE.Algorithm.RS256];

    public sealed record Failure(string Reason, string Message);

    /// <summary>Issues the creation options for <paramref name="user"/>'s new passkey <paramref name="factorId"/>.</summary>
    private async Task<Dictionary<string, object>> BeginAsync(User user, string factorId, CancellationToken ct)
    {
        var handle = await UserHandleAsync(user, ct);
        var existing = await db.Set<WebAuthnCredential>().AsNoTracking().Where(c => c.UserId == user.Id).Select(c => c.CredentialId).ToListAsync(ct);
        var uv = rp.Options.UserVerification;
        var challenge = await challenges.IssueAsync(new WebAuthnChallenge
        {
            Id = WebAuthnChallenges.NewId(), ChallengeHash = [], Purpose = ChallengePurposes.Register,
            UserId = user.Id, FactorId = factorId, UserVerification = uv,
        }, ct);
        return new Dictionary<string, object>
        {
            ["challenge"] = WebAuthnBase64.Encode(challenge),
            ["rp"] = new Dictionary<string, string> { ["id"] = rp.RpId, ["name"] = rp.Options.RpName },
            ["user"] = new Dictionary<string, string> { ["id"] = WebAuthnBase64.Encode(handle), ["name"] = user.Login, ["displayName"] = DisplayName(user) },
            ["pubKeyCredParams"] = Algorithms.Select(a => new Dictionary<string, object> { ["type"] = "public-key", ["alg"] = (int)a }).ToList(),
            ["excludeCredentials"] = existing.Select(id => new Dictionary<string, string> { ["type"] = "public-key", ["id"] = WebAuthnBase64.Encode(id) }).ToList(),
            ["authenticatorSelection"] = new Dictionary<string, object> { ["userVerification"] = uv, ["residentKey"] = "required", ["requireResidentKey"] = true },
            ["attestation"] = rp.Options.Attestation,
            ["timeout"] = rp.TimeoutMilliseconds,
        };
    }

    /// <summary>
    /// Verifies the authenticator's answer for the pending factor <paramref name="factorId"/> and stores its
    /// credential (named <paramref name="name"/>); the challenge is used whatever the outcome.
    /// </summary>
    private async Task<(WebAuthnCredential? Credential, Failure? Failure)> FinishAsync(
        User user, string factorId, string name, string? attestationObject, string? clientDataJson, CancellationToken ct)
    {
        var attestation = WebAuthnBase64.Decode(attestationObject);
        var clientDataBytes = WebAuthnBase64.Decode(clientDataJson);
        if (attestation is not { Length: > 0 } || clientDataBytes is not { Length: > 0 })
            return (null, new Failure("MALFORMED", "attestation and clientData must be base64url (the attestationObject and the clientDataJSON)."));
        if (ClientData.Parse(clientDataBytes) is not { } clientData)
            return (null, new Failure("MALFORMED", "clientData is not a clientDataJSON object with a challenge."));
        var stored = await challenges.FindLiveAsync(clientData.Challenge, ChallengePurposes.Register, ct);
        if (stored is null || stored.FactorId != factorId || stored.UserId != user.Id || !await challenges.TryUseAsync(stored, ct))
            return (null, new Failure("CHALLENGE_EXPIRED", "The enrollment challenge is unknown, used or expired. Enroll the factor again."));
        if (!rp.IsAllowedOrigin(clientData))
            return (null, new Failure("ORIGIN_NOT_ALLOWED", $"The origin '{clientData.Origin}' is not an allowed origin (Passkeys:Origins)."));

        if (AuthenticatorDataOf(attestation) is not { Length: >= 55 } authData || (authData[32] & 0x40) == 0 || 55 + (authData[53] << 8 | authData[54]) > authData.Length)
            return (null, new Failure("MALFORMED", "attestation is not an attestationObject with attested credential data."));
        // The Factors API carries no credential id; the library checks the response's against the attested one.
        var credentialId = authData.AsSpan(55, authData[53] << 8 | authData[54]).ToArray();

        var handle = await UserHandleAsync(user, ct);
        var options = new CredentialCreateOptions
        {
            Challenge = clientData.Challenge,
            Rp = new PublicKeyCredentialRpEntity(rp.RpId, rp.Options.RpName),
            User = new Fido2User { Id = handle, Name = user.Login, DisplayName = DisplayName(user) },
            PubKeyCredParams = Algorithms.Select(a => new PubKeyCredParam(a)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                UserVerification = Requirement(stored.UserVerification), ResidentKey = ResidentKeyRequirement.Required,
            },
            Attestation = rp.Options.Attestation switch { "direct" => AttestationConveyancePreference.Direct, "indirect" => AttestationConveyancePreference.Indirect, _ => AttestationConveyancePreference.None },
            Timeout = (ulong)rp.TimeoutMilliseconds,
        };
        RegisteredPublicKeyCredential result;
        try
        {
            result = await rp.Verifier().MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = new AuthenticatorAttestationRawResponse
                {
                    Id = WebAuthnBase64.Encode(credentialId), RawId = credentialId, Type = PublicKeyCredentialType.PublicKey,
                    Response = new AuthenticatorAttestationRawResponse.AttestationResponse { AttestationObject = attestation, ClientDataJson = clientDataBytes },
                },
                OriginalOptions = options,
                IsCredentialIdUniqueToUserCallback = async (args, token) =>
                    !await db.Set<WebAuthnCredential>().AnyAsync(c => c.CredentialId == args.CredentialId, token),
            }, ct);
        }
        catch (Exception e) when (WebAuthnAssertions.IsVerificationFailure(e))
        {
            return (null, new Failure(WebAuthnAssertions.ReasonOf(e), "The passkey could not be verified: " + e.Message));
        }

        var flags = authData[32];
        var credential = new WebAuthnCredential
        {
            FactorId = factorId, UserId = user.Id, CredentialId = result.Id, PublicKey = result.PublicKey,
            SignCount = result.SignCount, Aaguid = result.AaGuid.ToString(), AttestationFormat = result.AttestationFormat,
            UserVerified = (flags & 0x04) != 0, BackupEligible = result.IsBackupEligible, BackedUp = result.IsBackedUp,
            Name = name, Created = clock.GetUtcNow(),
        };
        db.Add(credential);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another enrollment stored the same credential id meanwhile.
            db.ChangeTracker.Clear();
            return (null, new Failure("CREDENTIAL_NOT_UNIQUE", "This passkey is already enrolled."));
        }
        db.Entry(credential).State = EntityState.Detached;
        return (credential, null);
    }

    /// <summary>The user's WebAuthn user handle, created on first use (32 random bytes).</summary>
    public async Task<byte[]> UserHandleAsync(User user, CancellationToken ct)
    {
        var handle = await db.Set<WebAuthnUserHandle>().AsNoTracking().Where(h => h.UserId == user.Id).Select(h => h.Handle).FirstOrDefaultAsync(ct);
        if (handle is not null) return handle;
        var row = new WebAuthnUserHandle { UserId = user.Id, Handle = RandomNumberGenerator.GetBytes(32) };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return row.Handle;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.Set<WebAuthnUserHandle>().AsNoTracking().Where(h => h.UserId == user.Id).Select(h => h.Handle).FirstAsync(ct);
        }
        finally
        {
            if (db.Entry(row).State != EntityState.Detached) db.Entry(row).State = EntityState.Detached;
        }
    }

    public static UserVerificationRequirement Requirement(string value) => value switch
    {
        "preferred" => UserVerificationRequirement.Preferred,
        "discouraged" => UserVerificationRequirement.Discouraged,
        _ => UserVerificationRequirement.Required,
    };

    private static string DisplayName(User user) =>
        string.Join(' ', new[] { user.FirstName, user.LastName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } n ? n : user.Login;

    /// <summary>The <c>authData</c> of an attestationObject (CBOR map: fmt, attStmt, authData), or null when it is not one.</summary>
    private static byte[]? AuthenticatorDataOf(byte[] attestationObject)
    {
        try
        {
            var reader = new System.Formats.Cbor.CborReader(attestationObject, System.Formats.Cbor.CborConformanceMode.Lax);
            var count = reader.ReadStartMap();
            for (var i = 0; count is null || i < count; i++)
            {
                if (reader.PeekState() == System.Formats.Cbor.CborReaderState.EndMap) break;
                var key = reader.PeekState() == System.Formats.Cbor.CborReaderState.TextString ? reader.ReadTextString() : null;
                if (key == "authData") return reader.ReadByteString();
                reader.SkipValue();
            }
            return null;
        }
        catch (Exception e) when (e is System.Formats.Cbor.CborContentException or InvalidOperationException)
        {
            return null;
        }
    }
}
