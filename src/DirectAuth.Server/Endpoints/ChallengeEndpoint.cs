using DirectAuth.Protocol;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.ClientAuthentication;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Passkeys;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Transactions;

namespace DirectAuth.Server.Endpoints;

/// <summary>
/// POST {base}/v1/challenge (PROTOCOL.md section 4): after <c>mfa_required</c>, the client says which
/// second-factor grants it can continue with (<c>challenge_types_supported</c>, default: all) and
/// optionally a channel (<c>channel_hint</c>: push, sms, voice). The answer names the grant to use:
/// mfa-webauthn, with the passkey request options, for a passkey; mfa-otp for TOTP; mfa-oob, with an <c>oob_code</c>, for an out-of-band channel (handed to
/// <see cref="IOutOfBandChallenger"/>); mfa-recovery-code when a recovery code is the only way left.
/// Preference without a hint: a passkey (phishing-resistant), OTP, then push, SMS, voice, then a recovery code.
/// </summary>
public static class ChallengeEndpoint
{
    private static readonly string[] Channels = [Protocol.Channels.Push, Protocol.Channels.Sms, Protocol.Channels.Voice];

    public static void MapChallengeEndpoint(this IEndpointRouteBuilder app) => app.MapOAuth("challenge", ["POST"], HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext http, ServerDirectory directory, OAuthRequestReader reader, ClientAuthenticator clients,
        MfaTransactions transactions, AuditLog audit, IServiceProvider services)
    {
        var ct = http.RequestAborted;
        var (context, notFound) = await OAuthRoutes.ResolveAsync(http, directory);
        if (context is null) return notFound!;
        var (form, formError) = await reader.ReadAsync(http.Request, ct);
        if (form is null) return new OAuthErrorResult(formError!);
        var (client, clientError) = await clients.AuthenticateAsync(context, form, http.Request.Headers.Authorization, context.EndpointUrl("challenge"), ct);
        if (client is null) return new OAuthErrorResult(clientError!);
        var (tx, txError) = await transactions.FindAsync(context, client, form[Parameters.MfaToken], ct);
        if (tx is null) return new OAuthErrorResult(txError!);

        var supported = form[Parameters.ChallengeTypesSupported]?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool Supports(string grant) => client.Allows(grant) && (supported is null || supported.Contains(grant, StringComparer.Ordinal));
        var hint = form[Parameters.ChannelHint];
        if (hint is not null && !Channels.Contains(hint))
            return await FailAsync(audit, tx, OAuthError.InvalidRequest("The 'channel_hint' must be one of: push, sms, voice."), ct);

        var oob = services.GetService<IOutOfBandChallenger>();
        if (hint is not null && oob is null)
            return await FailAsync(audit, tx, new OAuthError(400, Errors.UnsupportedChallengeType,
                "Out-of-band authenticators (push, SMS, voice) are not available on this server."), ct);

        string? kind = hint ?? Choose(tx, Supports);
        if (kind is null || !tx.Accepts(kind) || !Supports(FactorKinds.SecondFactorGrant(kind)))
            return await FailAsync(audit, tx, new OAuthError(400, Errors.UnsupportedChallengeType, hint is null
                ? "The user has no authenticator for the challenge types this client supports."
                : $"The user has no '{hint}' authenticator that this app accepts, or the client does not support the mfa-oob grant."), ct);

        if (kind == FactorKinds.Webauthn)
        {
            var passkey = await services.GetRequiredService<WebAuthnChallenger>().SecondFactorAsync(context, client, tx, ct);
            await audit.RecordAsync(Entry(tx, Outcomes.Success, null) with
            {
                Details = new Dictionary<string, string> { ["challengeType"] = passkey.ChallengeType, ["factor"] = kind },
            }, ct);
            return new WireResult<WebAuthnChallengeResponse>(200, passkey, ProtocolJsonContext.Wire.WebAuthnChallengeResponse);
        }

        ChallengeOutcome outcome = kind switch
        {
            FactorKinds.Otp => new ChallengeResponse { ChallengeType = GrantTypes.MfaOtp },
            FactorKinds.RecoveryCode => new ChallengeResponse { ChallengeType = GrantTypes.MfaRecoveryCode },
            _ => oob is not null
                ? await oob.ChallengeAsync(context, client, tx, kind, ct)
                : new OAuthError(400, Errors.UnsupportedChallengeType, "Out-of-band authenticators (push, SMS, voice) are not available on this server."),
        };
        if (outcome.Error is not null) return await FailAsync(audit, tx, outcome.Error, ct);
        await audit.RecordAsync(Entry(tx, Outcomes.Success, null) with
        {
            Details = new Dictionary<string, string> { ["challengeType"] = outcome.Response!.ChallengeType, ["factor"] = kind },
        }, ct);
        return new WireResult<ChallengeResponse>(200, outcome.Response!, ProtocolJsonContext.Wire.ChallengeResponse);
    }

    private static string? Choose(MfaTransaction tx, Func<string, bool> supports) =>
        new[] { FactorKinds.Webauthn, FactorKinds.Otp, FactorKinds.Push, FactorKinds.Sms, FactorKinds.Voice, FactorKinds.RecoveryCode }
            .FirstOrDefault(k => tx.Accepts(k) && supports(FactorKinds.SecondFactorGrant(k)));

    private static async Task<IResult> FailAsync(AuditLog audit, MfaTransaction tx, OAuthError error, CancellationToken ct)
    {
        await audit.RecordAsync(Entry(tx, Outcomes.Failure, error.Error) with
        {
            Details = new Dictionary<string, string> { ["error_description"] = error.LoggedDescription },
        }, ct);
        return new OAuthErrorResult(error);
    }

    private static AuditEntry Entry(MfaTransaction tx, string outcome, string? reason) =>
        new(MfaEventTypes.Challenge, outcome, "MFA challenge") { Reason = reason, ActorId = tx.UserId, ActorType = "User", ClientId = tx.ClientId, TargetId = tx.Id, TargetType = "MfaTransaction" };
}
