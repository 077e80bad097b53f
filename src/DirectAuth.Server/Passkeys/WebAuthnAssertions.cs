using System.Formats.Cbor;
using System.Security.Cryptography;
using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Passkeys;

/// <summary>A verified passkey assertion: whose, which credential, and what it proved (<c>amr</c>).</summary>
public sealed record VerifiedAssertion(User User, WebAuthnCredential Credential, bool UserVerified, IReadOnlyList<string> Amr);

/// <summary>
/// Verifies the assertion of a <c>webauthn</c> or <c>mfa-webauthn</c> token request (flat form fields
/// <c>clientDataJSON</c>, <c>authenticatorData</c>, <c>signature</c>, optional <c>userHandle</c>) with the Fido2
/// library, per WebAuthn Level 3 §7.2. The challenge named by <c>clientDataJSON</c> must be live, of this
/// server and client (and of the mfa transaction, for MFA), and is used once before anything else is checked:
/// unknown, used or expired → 403 access_denied; any failure of the assertion itself → 400 invalid_grant.
/// A counter that goes backwards refuses the sign-in and writes a WARN event (a cloned authenticator).
/// </summary>
public sealed class WebAuthnAssertions(DirectAuthDb db, WebAuthnRelyingParty rp, WebAuthnChallenges challenges, AuditLog audit, TimeProvider clock,
    IOptions<PasskeyOptions> options)
{
    public static readonly OAuthError ChallengeExpired = new(403, Errors.AccessDenied,
        "The WebAuthn challenge is unknown, already used or expired. Request a new challenge and try again.");

    public static readonly OAuthError NotVerified = OAuthError.InvalidGrant("The passkey assertion could not be verified.");

    /// <param name="mfaTransactionId">For MFA: the transaction the challenge must belong to; null for a primary sign-in.</param>
    /// <param name="boundUserId">For MFA: the user who must own the credential.</param>
    public async Task<(VerifiedAssertion? Assertion, OAuthError? Error)> VerifyAsync(TokenRequest request, string? mfaTransactionId, CancellationToken ct)
    {
        var form = request.Form;
        foreach (var name in new[] { Parameters.ClientDataJson, Parameters.AuthenticatorData, Parameters.Signature })
            if (form[name] is null) return (null, OAuthError.MissingParameter(name));
        var clientDataBytes = WebAuthnBase64.Decode(form[Parameters.ClientDataJson]);
        var authenticatorData = WebAuthnBase64.Decode(form[Parameters.AuthenticatorData]);
        var signature = WebAuthnBase64.Decode(form[Parameters.Signature]);
        var userHandle = form[Parameters.UserHandle] is { Length: > 0 } h ? WebAuthnBase64.Decode(h) : null;
        if (clientDataBytes is not { Length: > 0 } || authenticatorData is not { Length: > 0 } || signature is not { Length: > 0 }
            || form[Parameters.UserHandle] is { Length: > 0 } && userHandle is null)
            return (null, OAuthError.InvalidRequest("clientDataJSON, authenticatorData, signature and userHandle must be base64url."));
        if (ClientData.Parse(clientDataBytes) is not { } clientData)
            return (null, OAuthError.InvalidRequest("clientDataJSON is not a JSON object with a base64url challenge."));

        var stored = await challenges.FindLiveAsync(clientData.Challenge, ChallengePurposes.Assert, ct);
        if (stored is null || stored.ServerId != request.Context.Server.Id || stored.ClientId != request.Client.ClientId
            || stored.MfaTransactionId != mfaTransactionId || !await challenges.TryUseAsync(stored, ct))
        {
            await RecordAsync(request, null, Outcomes.Failure, "CHALLENGE_EXPIRED", null, ct);
            return (null, ChallengeExpired);
        }

        // The candidates: the user the challenge is for, else (a discoverable credential) the owner of the user handle;
        // none for a decoy (a login_hint that names nobody with a passkey), whoever answers it.
        var userId = stored.UserId;
        if (userId is null && !stored.Decoy && userHandle is not null)
            userId = await db.Set<WebAuthnUserHandle>().AsNoTracking().Where(x => x.Handle == userHandle).Select(x => x.UserId).FirstOrDefaultAsync(ct);
        var user = userId is null ? null : await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        var ownHandle = user is null ? null
            : await db.Set<WebAuthnUserHandle>().AsNoTracking().Where(x => x.UserId == user.Id).Select(x => x.Handle).FirstOrDefaultAsync(ct);
        var candidates = user is null ? []
            : await db.Set<WebAuthnCredential>().AsNoTracking().Where(c => c.UserId == user.Id).OrderBy(c => c.Created).ToListAsync(ct);

        if (!rp.IsAllowedOrigin(clientData)) return await FailAsync(request, user, "ORIGIN_NOT_ALLOWED", ct);
        if (user is null || candidates.Count == 0) return await FailAsync(request, user, "UNKNOWN_CREDENTIAL", ct);

        var assertionOptions = new AssertionOptions
        {
            Challenge = clientData.Challenge,
            RpId = rp.RpId,
            Timeout = (ulong)rp.TimeoutMilliseconds,
            UserVerification = WebAuthnRegistration.Requirement(stored.UserVerification),
            AllowCredentials = candidates.Select(c => new PublicKeyCredentialDescriptor(c.CredentialId)).ToList(),
        };
        var verifier = rp.Verifier();
        foreach (var candidate in candidates)
        {
            try
            {
                var result = await verifier.MakeAssertionAsync(new MakeAssertionParams
                {
                    AssertionResponse = new AuthenticatorAssertionRawResponse
                    {
                        Id = WebAuthnBase64.Encode(candidate.CredentialId), RawId = candidate.CredentialId, Type = PublicKeyCredentialType.PublicKey,
                        Response = new AuthenticatorAssertionRawResponse.AssertionResponse
                        {
                            AuthenticatorData = authenticatorData, Signature = signature, ClientDataJson = clientDataBytes, UserHandle = userHandle,
                        },
                    },
                    OriginalOptions = assertionOptions,
                    StoredPublicKey = candidate.PublicKey,
                    StoredSignatureCounter = (uint)candidate.SignCount,
                    IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(ownHandle is not null
                        && CryptographicOperations.FixedTimeEquals(args.UserHandle, ownHandle) && args.CredentialId.AsSpan().SequenceEqual(candidate.CredentialId)),
                }, ct);
                return (await SucceededAsync(request, user, candidate, authenticatorData, result, ct), null);
            }
            catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignature)
            {
                // Signed by another of the user's credentials, or by none: try the next.
            }
            catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignCount)
            {
                await audit.RecordAsync(new AuditEntry(PasskeyEvents.CloneSuspected, Outcomes.Deny, "Passkey signature counter went backwards: possible cloned authenticator")
                {
                    Severity = "WARN", Reason = "COUNTER_ROLLBACK", ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login,
                    ClientId = request.Client.ClientId, TargetId = candidate.FactorId, TargetType = "Factor",
                    Details = new Dictionary<string, string>
                    {
                        ["storedCounter"] = candidate.SignCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["presentedCounter"] = CounterOf(authenticatorData).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    },
                }, ct);
                return await FailAsync(request, user, "COUNTER_ROLLBACK", ct);
            }
            catch (Exception e) when (IsVerificationFailure(e))
            {
                return await FailAsync(request, user, ReasonOf(e), ct);
            }
        }
        return await FailAsync(request, user, "INVALID_SIGNATURE", ct);
    }

    private async Task<VerifiedAssertion> SucceededAsync(TokenRequest request, User user, WebAuthnCredential credential, byte[] authenticatorData,
        VerifyAssertionResult result, CancellationToken ct)
    {
        var flags = authenticatorData[32];
        var up = (flags & 0x01) != 0;
        var uv = (flags & 0x04) != 0;
        var backupEligible = (flags & 0x08) != 0 || credential.BackupEligible;
        await db.Set<WebAuthnCredential>().Where(c => c.FactorId == credential.FactorId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.SignCount, (long)result.SignCount)
                .SetProperty(c => c.BackedUp, result.IsBackedUp)
                .SetProperty(c => c.LastUsed, clock.GetUtcNow()), ct);
        var software = backupEligible || options.Value.SoftwareAaguidList.Any(a => Guid.TryParse(a, out var g) && g.ToString() == credential.Aaguid);
        var amr = new List<string> { software ? Amr.Swk : Amr.Hwk };
        if (up) amr.Add(Amr.User);
        if (uv) amr.Add(Amr.Pin);
        await RecordAsync(request, user, Outcomes.Success, null, credential, ct);
        return new VerifiedAssertion(user, credential, uv, amr);
    }

    private async Task<(VerifiedAssertion?, OAuthError?)> FailAsync(TokenRequest request, User? user, string reason, CancellationToken ct)
    {
        await RecordAsync(request, user, Outcomes.Failure, reason, null, ct);
        return (null, NotVerified);
    }

    private Task RecordAsync(TokenRequest request, User? user, string outcome, string? reason, WebAuthnCredential? credential, CancellationToken ct)
    {
        var details = new Dictionary<string, string> { ["grantType"] = request.Form[Parameters.GrantType] ?? "" };
        if (credential is not null)
        {
            details["factorId"] = credential.FactorId;
            details["aaguid"] = credential.Aaguid;
        }
        return audit.RecordAsync(new AuditEntry(PasskeyEvents.Verify, outcome, "Verify passkey assertion")
        {
            Reason = reason, ActorId = user?.Id, ActorType = "User", ActorAlternateId = user?.Login, ClientId = request.Client.ClientId,
            TargetId = credential?.FactorId, TargetType = credential is null ? null : "Factor", Details = details,
        }, ct);
    }

    private static uint CounterOf(byte[] authenticatorData) =>
        authenticatorData.Length >= 37 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(authenticatorData.AsSpan(33, 4)) : 0;

    /// <summary>Whether <paramref name="e"/> says the presented data is wrong or malformed (never a server fault).</summary>
    public static bool IsVerificationFailure(Exception e) => e is Fido2VerificationException or CborContentException or FormatException
        or ArgumentException or InvalidOperationException or CryptographicException or UriFormatException or System.Text.Json.JsonException
        or OverflowException or IndexOutOfRangeException or NotSupportedException;

    /// <summary>A short reason for the system log.</summary>
    public static string ReasonOf(Exception e) => e is Fido2VerificationException f
        ? f.Code switch
        {
            Fido2ErrorCode.UserVerificationRequirementNotMet => "USER_VERIFICATION_REQUIRED",
            Fido2ErrorCode.InvalidRpidHash => "WRONG_RP_ID",
            Fido2ErrorCode.UserPresentFlagNotSet => "USER_PRESENCE_REQUIRED",
            Fido2ErrorCode.InvalidSignature => "INVALID_SIGNATURE",
            Fido2ErrorCode.InvalidAuthenticatorResponseChallenge => "WRONG_CHALLENGE",
            _ => f.Code.ToString().ToUpperInvariant(),
        }
        : "MALFORMED";
}
