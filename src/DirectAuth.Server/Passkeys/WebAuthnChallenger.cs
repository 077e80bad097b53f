using System.Security.Cryptography;
using System.Text;
using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Throttling;
using DirectAuth.Server.Transactions;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// Issues passkey sign-in challenges (PROTOCOL.md section 9), answered as <see cref="WebAuthnChallengeResponse"/>:
/// primary, from <c>/primary-authenticate</c> with <c>challenge_hint=…webauthn</c> (with <c>login_hint</c>: the
/// user's credentials in <c>allowCredentials</c>; without: a discoverable-credential sign-in), and second
/// factor, from <c>/challenge</c> or from <c>/primary-authenticate</c> with <c>mfa_token</c>. A login that names
/// nobody (or a user without an active passkey) gets a decoy: the same shape and work, with credential ids
/// derived from the login under a server key, so they are the same each time.
/// </summary>
public sealed class WebAuthnChallenger(DirectAuthDb db, WebAuthnChallenges challenges, WebAuthnRelyingParty rp, SecretProtector protector,
    AuditLog audit, MfaTransactions transactions, RateLimitBuckets limits)
{
    /// <summary>POST /primary-authenticate with <c>challenge_hint=urn:okta:params:oauth:grant-type:webauthn</c> (the client is authenticated).</summary>
    public async Task<IResult> StartAsync(OAuthContext context, Application client, FormBody form, CancellationToken ct)
    {
        if (form[Parameters.MfaToken] is { } mfaToken)
        {
            var (tx, txError) = await transactions.FindAsync(context, client, mfaToken, ct);
            if (tx is null) return await RefusedAsync(client, txError!, ct);
            if (!client.Allows(GrantTypes.MfaWebauthn)) return await RefusedAsync(client, Unauthorized(client), ct);
            if (!tx.Accepts(FactorKinds.Webauthn))
                return await RefusedAsync(client, new OAuthError(400, Errors.UnsupportedChallengeType,
                    "The user has no passkey that this app accepts as the second factor, or the client does not support the mfa-webauthn grant."), ct);
            return Answer(await SecondFactorAsync(context, client, tx, ct));
        }
        if (!client.Allows(GrantTypes.Webauthn)) return await RefusedAsync(client, Unauthorized(client), ct);
        var loginHint = form[Parameters.LoginHint];
        if (loginHint is { Length: > 256 }) return await RefusedAsync(client, OAuthError.InvalidRequest($"The '{Parameters.LoginHint}' is longer than 256 characters."), ct);
        if (loginHint is { Length: > 0 } && limits.TakeUsername(loginHint) is { } limited) return new OAuthErrorResult(limited);
        return Answer(await PrimaryAsync(context, client, loginHint is { Length: > 0 } ? loginHint : null, ct));
    }

    /// <summary>A primary sign-in challenge; <paramref name="loginHint"/> null for a discoverable-credential sign-in.</summary>
    public async Task<WebAuthnChallengeResponse> PrimaryAsync(OAuthContext context, Application client, string? loginHint, CancellationToken ct)
    {
        if (loginHint is null)
        {
            var discoverable = await IssueAsync(context, client, null, null, ct);
            await RecordAsync(client, null, null, "primary", "discoverable", ct);
            return Response(GrantTypes.Webauthn, discoverable, []);
        }
        var normalized = User.Normalize(loginHint);
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedLogin == normalized, ct);
        var credentials = await CredentialsAsync(user is { Status: UserStatus.Active } ? user.Id : "", ct);
        if (credentials.Count == 0)
        {
            var decoy = await IssueAsync(context, client, null, null, ct, decoy: true);
            await RecordAsync(client, user, loginHint, "primary", user is null ? "UNKNOWN_USER" : user.Status != UserStatus.Active ? "NOT_ACTIVE" : "NO_PASSKEY", ct);
            return Response(GrantTypes.Webauthn, decoy, Decoys(normalized));
        }
        var challenge = await IssueAsync(context, client, user!.Id, null, ct);
        await RecordAsync(client, user, loginHint, "primary", null, ct);
        return Response(GrantTypes.Webauthn, challenge, credentials);
    }

    /// <summary>A second-factor challenge for the sign-in of <paramref name="tx"/> (its user is known: no decoy).</summary>
    public async Task<WebAuthnChallengeResponse> SecondFactorAsync(OAuthContext context, Application client, MfaTransaction tx, CancellationToken ct)
    {
        var credentials = await CredentialsAsync(tx.UserId, ct);
        var challenge = await IssueAsync(context, client, tx.UserId, tx.Id, ct);
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == tx.UserId, ct);
        await RecordAsync(client, user, user?.Login, "mfa", null, ct);
        return Response(GrantTypes.MfaWebauthn, challenge, credentials);
    }

    private async Task<byte[]> IssueAsync(OAuthContext context, Application client, string? userId, string? mfaTransactionId, CancellationToken ct,
        bool decoy = false) =>
        await challenges.IssueAsync(new WebAuthnChallenge
        {
            Id = WebAuthnChallenges.NewId(), ChallengeHash = [], Purpose = ChallengePurposes.Assert, ServerId = context.Server.Id,
            ClientId = client.ClientId, UserId = userId, MfaTransactionId = mfaTransactionId, UserVerification = rp.Options.UserVerification,
            Decoy = decoy,
        }, ct);

    private async Task<List<WebAuthnEnrollment>> CredentialsAsync(string userId, CancellationToken ct)
    {
        var rows = await (from c in db.Set<WebAuthnCredential>().AsNoTracking()
                          join f in db.Set<Factor>().AsNoTracking() on c.FactorId equals f.Id
                          where c.UserId == userId && f.Status == FactorStatus.Active
                          orderby c.Created
                          select new { c.CredentialId, c.Name, c.Aaguid }).ToListAsync(ct);
        return rows.Select(r => Enrollment(r.CredentialId, r.Name, r.Aaguid)).ToList();
    }

    /// <summary>
    /// One or two credential ids for a login that has none, the same on every request (HMAC of the login under a
    /// server key), named as an unnamed passkey is, with an AAGUID picked (per login) from <c>Passkeys:SoftwareAaguids</c>.
    /// </summary>
    private List<WebAuthnEnrollment> Decoys(string normalizedLogin)
    {
        var mac = HMACSHA256.HashData(protector.DeriveKey("webauthn-decoy-credentials"), Encoding.UTF8.GetBytes(normalizedLogin));
        var aaguids = rp.Options.SoftwareAaguidList;
        var aaguid = Guid.TryParse(aaguids[mac[1] % aaguids.Count], out var g) ? g.ToString() : Guid.Empty.ToString();
        var first = Enrollment(mac, WebAuthnFactorHandler.DefaultName, aaguid);
        if ((mac[0] & 1) == 0) return [first];
        var second = HMACSHA256.HashData(mac, "second"u8);
        return [first, Enrollment(second, WebAuthnFactorHandler.DefaultName, aaguid)];
    }

    private static WebAuthnEnrollment Enrollment(byte[] credentialId, string name, string aaguid) => new()
    {
        CredentialId = WebAuthnBase64.Encode(credentialId), DisplayName = name, Profile = new WebAuthnEnrollmentProfile { Aaguid = aaguid },
    };

    private WebAuthnChallengeResponse Response(string challengeType, byte[] challenge, List<WebAuthnEnrollment> credentials) => new()
    {
        ChallengeType = challengeType,
        PublicKey = new WebAuthnRequestOptions
        {
            Challenge = WebAuthnBase64.Encode(challenge),
            RpId = rp.RpId,
            Timeout = rp.TimeoutMilliseconds,
            UserVerification = rp.Options.UserVerification,
            AllowCredentials = credentials.Select(c => new WebAuthnCredentialDescriptor { Id = c.CredentialId }).ToList(),
            Extensions = new WebAuthnExtensions { AppId = rp.AppId },
        },
        AuthenticatorEnrollments = credentials,
    };

    private static WireResult<WebAuthnChallengeResponse> Answer(WebAuthnChallengeResponse response) =>
        new WireResult<WebAuthnChallengeResponse>(200, response, ProtocolJsonContext.Wire.WebAuthnChallengeResponse);

    private static OAuthError Unauthorized(Application client) => new(400, Errors.UnauthorizedClient,
        $"The client is not authorized to use the provided grant type. Configured grant types: [{string.Join(", ", client.GrantTypeList)}].");

    private Task RecordAsync(Application client, User? user, string? login, string purpose, string? decoyReason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(PasskeyEvents.Challenge, Outcomes.Success, "Passkey challenge issued")
        {
            Reason = decoyReason, ActorId = decoyReason is null ? user?.Id : null, ActorType = "User", ActorAlternateId = login, ClientId = client.ClientId,
            Details = new Dictionary<string, string> { ["purpose"] = purpose, ["discoverable"] = login is null ? "true" : "false" },
        }, ct);

    private async Task<IResult> RefusedAsync(Application client, OAuthError error, CancellationToken ct)
    {
        await audit.RecordAsync(new AuditEntry(PasskeyEvents.Challenge, Outcomes.Failure, "Passkey challenge request refused")
        {
            Reason = error.Error, ClientId = client.ClientId, ActorId = client.ClientId, ActorType = "Client",
            Details = new Dictionary<string, string> { ["error_description"] = error.LoggedDescription },
        }, ct);
        return new OAuthErrorResult(error);
    }
}
